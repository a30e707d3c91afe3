// Package stacks owns what a stack is: the typed configuration of the multi-region-ha project, the
// defaults of each environment, and the validation that turns bad config into one clear error naming
// every offending key before any resource is registered.
package stacks

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Namespace is the Pulumi project name, and so the prefix of every config key.
const Namespace = "multi-region-ha"

// Environments.
const (
	Prod    = "prod"
	Staging = "staging"
)

// Config is a stack's complete, validated configuration. Components never read config themselves:
// main.go hands them the parts they need.
type Config struct {
	Stack       string `json:"-"`
	Environment string `json:"environment"`
	// AccountId is the 12-digit account the stack deploys to: every provider's allowedAccountIds.
	AccountId string `json:"accountId"`
	// UnavailableRegion names a region whose APIs are down: its provider configures without calling
	// that region's STS or IAM (the host's metadata API stays on, for instance-role credentials), so
	// a targeted update of the other region can run (see README).
	UnavailableRegion string            `json:"unavailableRegion"`
	PrimaryRegion     string            `json:"primaryRegion"`
	SecondaryRegion   string            `json:"secondaryRegion"`
	Tags              map[string]string `json:"tags"`
	Network           Network           `json:"network"`
	Compute           Compute           `json:"compute"`
	Database          Database          `json:"database"`
	Edge              Edge              `json:"edge"`
	Observability     Observability     `json:"observability"`
	Deployments       Deployments       `json:"deployments"`
	Drills            Drills            `json:"drills"`
}

// IsProd reports whether the stack runs the prod profile (protection, retention, capacity).
func (c *Config) IsProd() bool { return c.Environment == Prod }

// Regions returns the primary and secondary region, in that order.
func (c *Config) Regions() []string { return []string{c.PrimaryRegion, c.SecondaryRegion} }

// Load reads and validates the stack configuration from the Pulumi context.
func Load(ctx *pulumi.Context) (*Config, error) {
	values := map[string]string{}
	for _, key := range TopLevelKeys() {
		if v, ok := ctx.GetConfig(fullKey(key)); ok {
			values[key] = v
		}
	}
	return Parse(ctx.Stack(), values, undeclaredKeys(os.Getenv("PULUMI_CONFIG")))
}

// Parse builds the Config of stack from raw config values keyed without namespace ("network",
// "primaryRegion"). unknown lists the keys the stack sets that this program does not read: keys of
// the project's namespace without it ("primaryRegon"), and full keys of a namespace that looks like
// a typo of the project's ("multi-regon-ha:accountId"); each joins the one list of problems.
func Parse(stack string, values map[string]string, unknown []string) (*Config, error) {
	var p problems
	misplaced := map[string]bool{} // top-level keys set under a mistyped namespace
	for _, key := range unknown {
		if ns, name, qualified := strings.Cut(key, ":"); qualified {
			if ns != Namespace {
				top, _, _ := strings.Cut(name, ".")
				misplaced[top] = true
				p.rootKeyf(underKey(top), key, "namespace %s is not this project's, so the program never reads it; did you mean %s:%s?", ns, Namespace, name)
				continue
			}
			key = name
		}
		if parent, _, nested := strings.Cut(key, "."); nested && contains(TopLevelKeys(), parent) {
			// `pulumi config set network.azCount 3` (without --path) sets a top-level key with a dot
			// in its name, which the program would otherwise never read.
			p.addf(key, "unknown key: a top-level key with a dot in its name; to set %s inside the %s object use `pulumi config set --path %s <value>` (and `pulumi config rm %s`)", key, parent, fullKey(key), fullKey(key))
			continue
		}
		p.addf(key, "unknown key%s", didYouMean(key, TopLevelKeys()))
	}

	env := stack
	if v, ok := values["environment"]; ok {
		env = v
	}
	if env != Prod && env != Staging {
		if _, set := values["environment"]; set {
			p.addf("environment", "is %q; allowed: prod, staging", env)
		} else {
			p.addf("environment", "is not set and the stack name %q is neither prod nor staging; set it to prod or staging", stack)
		}
		env = Staging // keep validating the rest against a profile so every problem shows at once
	}

	cfg := defaults(env)
	cfg.Stack = stack
	decodeStrict("", topLevelObject(values), cfg, &p)
	cfg.Environment = env

	validateRegions(cfg, &p)
	validatePinned(cfg, &p)
	validateTags(cfg, &p)
	for _, validate := range sectionValidators {
		validate(cfg, &p)
	}
	missingObjects(values, misplaced, &p)
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// requiredObjects are the config objects a stack must set, because keys inside them are required.
var requiredObjects = []string{"network", "compute", "edge"}

// missingObjects makes an object the stack does not set at all the root of the problems inside it
// (network.primary.azs, edge.domainName, ... are required), so the fix reads first.
func missingObjects(values map[string]string, misplaced map[string]bool, p *problems) {
	for _, obj := range requiredObjects {
		if raw, set := values[obj]; (set && !isNull([]byte(raw))) || misplaced[obj] {
			continue
		}
		var required []string
		for _, q := range p.list {
			if underKey(obj)(q) && strings.HasPrefix(q.Message, "is required") {
				required = append(required, strings.TrimPrefix(q.Key, Namespace+":"))
			}
		}
		if len(required) > 0 {
			p.rootf(underKey(obj), obj, "is not set, but the stack needs it: %s %s required (below)", strings.Join(required, ", "), map[bool]string{true: "is", false: "are"}[len(required) == 1])
		}
	}
}

// sectionValidators check (and where needed resolve) each config object in turn.
var sectionValidators = []func(*Config, *problems){
	validateNetwork,
	validateCompute,
	validatePatching,
	validateZonalAutoshift,
	validateDatabase,
	validateEdge,
	validateObservability,
	validateDeployments,
	validateDrills,
}

// TopLevelKeys lists every key this program reads (without namespace), from Config's json tags.
func TopLevelKeys() []string { return allowedKeys(jsonFields(reflect.TypeOf(Config{}))) }

// topLevelObject turns raw Pulumi config values into one JSON object: string settings arrive as bare
// text and are quoted; objects, maps and lists arrive as JSON already.
func topLevelObject(values map[string]string) []byte {
	t := reflect.TypeOf(Config{})
	fields := jsonFields(t)
	object := map[string]json.RawMessage{}
	for key, raw := range values {
		i, ok := fields[key]
		if (ok && t.Field(i).Type.Kind() == reflect.String) || !json.Valid([]byte(raw)) {
			quoted, _ := json.Marshal(raw)
			object[key] = quoted
			continue
		}
		object[key] = json.RawMessage(raw)
	}
	b, _ := json.Marshal(object)
	return b
}

// undeclaredKeys returns the keys in a PULUMI_CONFIG document (the engine's config hand-off) that
// the program does not read, in the form Parse takes: project-namespaced keys Config does not
// declare (without the namespace), and full keys whose namespace looks like a typo of the
// project's. Pulumi itself passes such keys through silently.
func undeclaredKeys(pulumiConfig string) []string {
	if pulumiConfig == "" {
		return nil
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(pulumiConfig), &all); err != nil {
		return nil
	}
	return UnreadKeys(sortedKeys(all))
}

// UnreadKeys picks, from full config keys ("ns:name"), those Parse must report (see undeclaredKeys).
func UnreadKeys(fullKeys []string) []string {
	known := jsonFields(reflect.TypeOf(Config{}))
	var unknown []string
	for _, key := range fullKeys {
		name, ok := strings.CutPrefix(key, Namespace+":")
		if !ok {
			if ns, _, _ := strings.Cut(key, ":"); Closest(ns, []string{Namespace}) != "" {
				unknown = append(unknown, key)
			}
			continue
		}
		if _, declared := known[name]; !declared {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// ParseStackConfig is Parse for a stack's whole config as the engine hands it over (full keys to raw
// values, e.g. offline.StackConfig), unread keys included.
func ParseStackConfig(stack string, full map[string]string) (*Config, error) {
	values := map[string]string{}
	for k, v := range full {
		if name, ok := strings.CutPrefix(k, Namespace+":"); ok {
			values[name] = v
		}
	}
	return Parse(stack, values, UnreadKeys(sortedKeys(full)))
}
