// Package drills turns the seed's three failure scenarios (an instance, an Availability Zone, a
// region) into AWS Fault Injection Service experiment templates, one set per region, each with stop
// conditions on the stack's own alarms, an encrypted and retained CloudWatch log group and a role
// that may do exactly what its template does. `go run . drill` (pkg/drill) starts them and measures.
//
// The AWS rules the templates rely on (action ids, the target key and resource type each action
// takes, its parameters and their formats, selection modes, filters, the permissions each action
// needs) are the tables and checks of this file, tested on their own and against every template the
// program registers: the mock engine accepts anything, AWS does not.
package drills

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ParamKind is how AWS FIS reads an action parameter.
type ParamKind int

const (
	// Duration is an ISO 8601 duration string ("PT10M"), one minute to 12 hours.
	Duration ParamKind = iota
	// Boolean is the text "true" or "false".
	Boolean
	// Enum is one of the listed values.
	Enum
	// Text is free text (an identifier, for example).
	Text
)

// Param is one parameter an action accepts.
type Param struct {
	Kind     ParamKind
	Required bool
	Values   []string // Enum only
}

// ActionSpec is what AWS FIS expects of one action (AWS FIS actions reference).
type ActionSpec struct {
	// TargetKey is the key of the action's target map ("Instances", "Subnets", "Clusters").
	TargetKey string
	// ResourceType is the target resource type the key takes.
	ResourceType string
	Params       map[string]Param
	// Permissions are the IAM actions the experiment role needs for the action, as AWS lists them
	// (optional ones included when the templates here use the feature that needs them).
	Permissions []string
}

// Action ids the drills use.
const (
	ActionTerminateInstances  = "aws:ec2:terminate-instances"
	ActionStopInstances       = "aws:ec2:stop-instances"
	ActionDisruptConnectivity = "aws:network:disrupt-connectivity"
	ActionFailoverDBCluster   = "aws:rds:failover-db-cluster"
)

// Target resource types.
const (
	ResourceInstance = "aws:ec2:instance"
	ResourceSubnet   = "aws:ec2:subnet"
	ResourceCluster  = "aws:rds:cluster"
)

// Actions is the catalogue of the actions the drills use, as the AWS FIS actions reference states
// them: aws:ec2:terminate-instances (no parameters; ec2:TerminateInstances, ec2:DescribeInstances),
// aws:ec2:stop-instances (startInstancesAfterDuration, completeIfInstancesTerminated;
// ec2:StopInstances, ec2:StartInstances, ec2:DescribeInstances, kms:CreateGrant to restart instances
// with encrypted volumes), aws:network:disrupt-connectivity (scope, duration, prefixListIdentifier;
// it clones each subnet's network ACL, tagged managedByFIS=true, adds deny entries and restores the
// original association at the end), aws:rds:failover-db-cluster (no parameters; rds:FailoverDBCluster,
// rds:DescribeDBClusters, tag:GetResources).
var Actions = map[string]ActionSpec{
	ActionTerminateInstances: {
		TargetKey: "Instances", ResourceType: ResourceInstance,
		Permissions: []string{"ec2:TerminateInstances", "ec2:DescribeInstances"},
	},
	ActionStopInstances: {
		TargetKey: "Instances", ResourceType: ResourceInstance,
		Params: map[string]Param{
			"startInstancesAfterDuration":   {Kind: Duration},
			"completeIfInstancesTerminated": {Kind: Boolean},
		},
		Permissions: []string{"ec2:StopInstances", "ec2:StartInstances", "ec2:DescribeInstances", "kms:CreateGrant"},
	},
	ActionDisruptConnectivity: {
		TargetKey: "Subnets", ResourceType: ResourceSubnet,
		Params: map[string]Param{
			"scope":                {Kind: Enum, Required: true, Values: []string{"all", "availability-zone", "dynamodb", "prefix-list", "s3", "s3express", "vpc"}},
			"duration":             {Kind: Duration, Required: true},
			"prefixListIdentifier": {Kind: Text},
		},
		Permissions: []string{
			"ec2:CreateNetworkAcl", "ec2:CreateNetworkAclEntry", "ec2:CreateTags", "ec2:DeleteNetworkAcl",
			"ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
			"ec2:GetManagedPrefixListEntries", "ec2:ReplaceNetworkAclAssociation",
		},
	},
	ActionFailoverDBCluster: {
		TargetKey: "Clusters", ResourceType: ResourceCluster,
		Permissions: []string{"rds:FailoverDBCluster", "rds:DescribeDBClusters", "tag:GetResources"},
	},
}

// FilterPaths are the target filter paths the drills use per resource type: FIS applies them to the
// output of the type's Describe action (DescribeInstances, DescribeSubnets), path elements in
// PascalCase.
var FilterPaths = map[string][]string{
	ResourceInstance: {"Placement.AvailabilityZone", "State.Name"},
	ResourceSubnet:   {"AvailabilityZone", "VpcId"},
	ResourceCluster:  {},
}

// TargetParams are the resource-type parameters FIS accepts per type that the drills use:
// aws:rds:cluster selects clusters by their writer's Availability Zone.
var TargetParams = map[string][]string{
	ResourceCluster: {"writerAvailabilityZoneIdentifiers"},
}

// TargetParamPermissions are what resolving a target parameter costs the role: FIS finds a
// cluster's writer zone from its instances (AWS's AZ scenario grants rds:DescribeDBInstances for it).
var TargetParamPermissions = map[string][]string{
	"writerAvailabilityZoneIdentifiers": {"rds:DescribeDBInstances"},
}

// Stop condition sources FIS accepts.
const (
	StopOnAlarm = "aws:cloudwatch:alarm"
	StopNone    = "none"
)

// MaxStopConditions is FIS's quota of stop conditions per experiment template.
const MaxStopConditions = 5

// LogSchemaVersion is the FIS experiment log schema the templates ask for (version 2 adds target
// account and resolved-target details to the records).
const LogSchemaVersion = 2

// Minimum and maximum action duration FIS accepts.
const (
	MinDuration = time.Minute
	MaxDuration = 12 * time.Hour
)

var isoDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)

// ParseDuration reads the ISO 8601 time durations FIS takes ("PT1M", "PT1H30M", "PT90S").
func ParseDuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "PT" {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration such as PT10M", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return 0, fmt.Errorf("%q: %w", s, err)
		}
		d += time.Duration(n) * unit
	}
	return d, nil
}

// FormatDuration writes d (whole minutes) the way FIS reads it: "PT10M", "PT2H".
func FormatDuration(d time.Duration) string {
	minutes := int(d / time.Minute)
	if minutes%60 == 0 {
		return fmt.Sprintf("PT%dH", minutes/60)
	}
	return fmt.Sprintf("PT%dM", minutes)
}

var (
	countMode   = regexp.MustCompile(`^COUNT\(([1-9]\d*)\)$`)
	percentMode = regexp.MustCompile(`^PERCENT\(([1-9]\d*)\)$`)
)

// ValidSelectionMode reports whether FIS accepts mode: ALL, COUNT(n) or PERCENT(n) with 1 <= n <= 100.
func ValidSelectionMode(mode string) bool {
	if mode == "ALL" || countMode.MatchString(mode) {
		return true
	}
	if m := percentMode.FindStringSubmatch(mode); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n <= 100
	}
	return false
}

// Template is an experiment template as plain values: what the program registers and what the
// checks below read.
type Template struct {
	Kind           string // instance, az, region
	Description    string
	Actions        []Action
	Targets        []Target
	StopAlarmArns  []string
	LogGroupArn    string
	EmptyTargetsOK bool // experimentOptions.emptyTargetResolutionMode "skip" instead of "fail"
}

// Action is one action of a template.
type Action struct {
	Name       string
	ActionID   string
	TargetKey  string
	Target     string // a Target's Name
	Parameters map[string]string
	StartAfter []string
}

// Target is one target of a template.
type Target struct {
	Name          string
	ResourceType  string
	SelectionMode string
	ResourceTags  map[string]string
	ResourceArns  []string
	Filters       []Filter
	Parameters    map[string]string
}

// Filter narrows a target by an attribute of its Describe output.
type Filter struct {
	Path   string
	Values []string
}

// Validate checks t against FIS's rules: known action ids, the target key and resource type each
// action takes, its parameters and their formats, selection modes, filter paths, target
// identification (tags or ARNs, never both, ARNs never with filters), stop conditions (at least
// one, at most five) and logging.
func Validate(t Template) error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	targets := map[string]Target{}
	for _, tg := range t.Targets {
		if _, dup := targets[tg.Name]; dup {
			add("target %q is defined twice", tg.Name)
		}
		targets[tg.Name] = tg
		validateTarget(tg, add)
	}
	used := map[string]bool{}
	names := map[string]bool{}
	for _, a := range t.Actions {
		if names[a.Name] {
			add("action %q is defined twice", a.Name)
		}
		names[a.Name] = true
		spec, ok := Actions[a.ActionID]
		if !ok {
			add("action %q: unknown action id %q", a.Name, a.ActionID)
			continue
		}
		if a.TargetKey != spec.TargetKey {
			add("action %q: %s takes target key %q, not %q", a.Name, a.ActionID, spec.TargetKey, a.TargetKey)
		}
		tg, ok := targets[a.Target]
		if !ok {
			add("action %q: no target named %q", a.Name, a.Target)
		} else if tg.ResourceType != spec.ResourceType {
			add("action %q: %s acts on %s, target %q is %s", a.Name, a.ActionID, spec.ResourceType, a.Target, tg.ResourceType)
		}
		used[a.Target] = true
		validateParams(a, spec, add)
		for _, after := range a.StartAfter {
			if !names[after] {
				add("action %q starts after %q, which is not an earlier action", a.Name, after)
			}
		}
	}
	for name := range targets {
		if !used[name] {
			add("target %q is used by no action", name)
		}
	}
	if len(t.Actions) == 0 {
		add("a template needs at least one action")
	}
	if len(t.StopAlarmArns) == 0 {
		add("a drill needs at least one stop condition on the stack's alarms")
	}
	if len(t.StopAlarmArns) > MaxStopConditions {
		add("%d stop conditions; FIS allows %d per template", len(t.StopAlarmArns), MaxStopConditions)
	}
	for _, arn := range t.StopAlarmArns {
		if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":cloudwatch:") || !strings.Contains(arn, ":alarm:") {
			add("stop condition %q is not a CloudWatch alarm ARN", arn)
		}
	}
	if !strings.Contains(t.LogGroupArn, ":log-group:") || !strings.HasSuffix(t.LogGroupArn, ":*") {
		add("log group %q must be a CloudWatch Logs log-group ARN ending in :*", t.LogGroupArn)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("experiment template %s: %s", t.Kind, strings.Join(errs, "; "))
	}
	return nil
}

func validateTarget(tg Target, add func(string, ...any)) {
	paths, known := FilterPaths[tg.ResourceType]
	if !known {
		add("target %q: resource type %q is not one the drills know", tg.Name, tg.ResourceType)
	}
	if !ValidSelectionMode(tg.SelectionMode) {
		add("target %q: selection mode %q; FIS takes ALL, COUNT(n) or PERCENT(n) with n from 1 to 100", tg.Name, tg.SelectionMode)
	}
	switch {
	case len(tg.ResourceTags) == 0 && len(tg.ResourceArns) == 0:
		add("target %q needs resource tags or resource ARNs", tg.Name)
	case len(tg.ResourceTags) > 0 && len(tg.ResourceArns) > 0:
		add("target %q: FIS takes resource tags or resource ARNs, not both", tg.Name)
	case len(tg.ResourceArns) > 0 && len(tg.Filters) > 0:
		add("target %q: FIS takes no filters beside resource ARNs", tg.Name)
	}
	for k, v := range tg.ResourceTags {
		if k == "" || v == "" {
			add("target %q: tag %q=%q; an empty value matches only empty tags, never all", tg.Name, k, v)
		}
	}
	for _, f := range tg.Filters {
		if !slices.Contains(paths, f.Path) {
			add("target %q: filter path %q is not one of %v for %s", tg.Name, f.Path, paths, tg.ResourceType)
		}
		if len(f.Values) == 0 {
			add("target %q: filter %q has no values", tg.Name, f.Path)
		}
	}
	for k := range tg.Parameters {
		if !slices.Contains(TargetParams[tg.ResourceType], k) {
			add("target %q: %s takes no target parameter %q", tg.Name, tg.ResourceType, k)
		}
	}
}

func validateParams(a Action, spec ActionSpec, add func(string, ...any)) {
	for name, p := range spec.Params {
		if _, set := a.Parameters[name]; p.Required && !set {
			add("action %q: %s needs parameter %q", a.Name, a.ActionID, name)
		}
	}
	for name, value := range a.Parameters {
		p, ok := spec.Params[name]
		if !ok {
			add("action %q: %s takes no parameter %q", a.Name, a.ActionID, name)
			continue
		}
		switch p.Kind {
		case Duration:
			d, err := ParseDuration(value)
			if err != nil {
				add("action %q: %s: %v", a.Name, name, err)
			} else if d < MinDuration || d > MaxDuration {
				add("action %q: %s is %s; FIS allows one minute to 12 hours", a.Name, name, value)
			}
		case Boolean:
			if value != "true" && value != "false" {
				add("action %q: %s is %q; want true or false", a.Name, name, value)
			}
		case Enum:
			if !slices.Contains(p.Values, value) {
				add("action %q: %s is %q; allowed: %s", a.Name, name, value, strings.Join(p.Values, ", "))
			}
		}
	}
}

// Permissions returns the IAM actions the experiment role of t needs: those of every action it runs,
// what resolving its targets needs, plus tag:GetResources (FIS resolves tagged targets through the
// Resource Groups Tagging API).
func Permissions(t Template) []string {
	set := map[string]bool{"tag:GetResources": true}
	for _, a := range t.Actions {
		for _, p := range Actions[a.ActionID].Permissions {
			set[p] = true
		}
	}
	for _, tg := range t.Targets {
		for k := range tg.Parameters {
			for _, p := range TargetParamPermissions[k] {
				set[p] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
