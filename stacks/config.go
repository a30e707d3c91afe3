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
// "primaryRegion"). unknown lists namespaced keys the stack sets that this program does not know.
func Parse(stack string, values map[string]string, unknown []string) (*Config, error) {
	var p problems
	for _, key := range unknown {
		if parent, _, nested := strings.Cut(key, "."); nested && contains(TopLevelKeys(), parent) {
			// `pulumi config set network.azCount 3` (without --path) sets a top-level key with a dot
			// in its name, which the program would otherwise never read.
			p.addf(key, "unknown key: a top-level key with a dot in its name; to set %s inside the %s object use `pulumi config set --path %s <value>` (and `pulumi config rm %s`)", key, parent, fullKey(key), fullKey(key))
			continue
		}
		p.addf(key, "unknown key; allowed keys are %s", strings.Join(TopLevelKeys(), ", "))
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
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
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

// undeclaredKeys returns the project-namespaced keys in a PULUMI_CONFIG document (the engine's
// config hand-off) that Config does not declare: Pulumi itself passes unknown keys through silently.
func undeclaredKeys(pulumiConfig string) []string {
	if pulumiConfig == "" {
		return nil
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(pulumiConfig), &all); err != nil {
		return nil
	}
	known := jsonFields(reflect.TypeOf(Config{}))
	var unknown []string
	for key := range all {
		name, ok := strings.CutPrefix(key, Namespace+":")
		if !ok {
			continue
		}
		if _, declared := known[name]; !declared {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}
