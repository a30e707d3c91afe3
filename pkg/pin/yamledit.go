package pin

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Apply writes v into the stack file doc and returns the new file. It edits the YAML tree in place,
// so every other key, its order and its comments stay; only the pinned keys change:
// accountId, network.<role>.azs, compute.amiIds, compute.cloudFrontPrefixListIds,
// compute.healthCheckPrefixListIds and edge.hostedZoneId (whichever v holds).
func Apply(doc []byte, cfg *stacks.Config, v *Values) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("parse the stack file: %w", err)
	}
	if root.Kind == 0 { // empty file
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the stack file is not a YAML mapping")
	}
	config := child(root.Content[0], "config")
	key := func(name string) string { return stacks.Namespace + ":" + name }

	if v.AccountID != "" {
		set(config, key("accountId"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.AccountID, Style: yaml.DoubleQuotedStyle})
	}
	// Per-region values are set region by region: a region pin did not read (the unavailable one,
	// or not the --region asked for) keeps what the file holds.
	if len(v.Zones) > 0 {
		network := child(config, key("network"))
		for role, region := range map[string]string{"primary": cfg.PrimaryRegion, "secondary": cfg.SecondaryRegion} {
			if zones, ok := v.Zones[region]; ok {
				set(child(network, role), "azs", list(zones))
			}
		}
	}
	compute := func() *yaml.Node { return child(config, key("compute")) }
	if len(v.Images) > 0 {
		setEach(child(compute(), "amiIds"), v.Images)
	}
	if len(v.CloudFront) > 0 {
		setEach(child(compute(), "cloudFrontPrefixListIds"), v.CloudFront)
	}
	if len(v.HealthCheck) > 0 {
		setEach(child(compute(), "healthCheckPrefixListIds"), v.HealthCheck)
	}
	if v.HostedZoneID != "" {
		set(child(config, key("edge")), "hostedZoneId", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.HostedZoneID})
	}

	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// child returns the mapping under key in m, creating it (or replacing a null) when absent.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind != yaml.MappingNode {
				*v = yaml.Node{Kind: yaml.MappingNode, HeadComment: v.HeadComment, LineComment: v.LineComment}
			}
			return v
		}
	}
	v := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	return v
}

// set replaces the value of key in m (keeping the key, its position and comments) or appends it.
func set(m *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			value.LineComment, value.FootComment = old.LineComment, old.FootComment
			m.Content[i+1] = value
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
}

// list is a flow sequence of strings: [us-east-1a, us-east-1b].
func list(values []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range values {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: s})
	}
	return n
}

// setEach sets each region's id in the block mapping m (keys in sorted order when new), leaving
// the other regions' entries as they are.
func setEach(m *yaml.Node, values map[string]string) {
	m.Style = 0
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set(m, k, &yaml.Node{Kind: yaml.ScalarNode, Value: values[k]})
	}
}
