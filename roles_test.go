package main

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// roleInputs are the inputs through which a resource hands AWS a role to act with. AWS checks the
// role's permissions when the service first uses it, not when the role ARN is accepted: a resource
// created before its role's policies exist starts with delivery errors (flow logs), fails its first
// executions (Step Functions, EventBridge targets) or its validation (Backup selections).
var roleInputs = []string{"iamRoleArn", "roleArn", "monitoringRoleArn", "iamInstanceProfile.arn"}

// roleUsers are the resources of the program that use a role, each checked on its own: every one
// must depend (directly or through its inputs' resources) on every policy and policy attachment of
// its role.
var roleUsers = []string{
	"aws:ec2/flowLog:FlowLog",
	"aws:sfn/stateMachine:StateMachine",
	"aws:cloudwatch/eventTarget:EventTarget",
	"aws:backup/selection:Selection",
	"aws:cfg/recorder:Recorder",
	"aws:rds/clusterInstance:ClusterInstance",
	"aws:ec2/launchTemplate:LaunchTemplate",
}

// lateGrants are policies (by name suffix) another component adds to a role after its user exists,
// each with why the race is harmless.
var lateGrants = map[string]string{
	"-client-read": "the database grants the instances its credentials secret; the database is created after compute " +
		"(it takes the instances' role), so at boot the secret does not exist yet either and the application retries until both do",
	"-instance-patching": "the patch scan's grant (the scan output bucket and its key); the instances boot without it and the " +
		"association that uses it waits for it (pkg/patching)",
}

func lateGrant(name string) string {
	for suffix, reason := range lateGrants {
		if strings.HasSuffix(name, suffix) {
			return reason
		}
	}
	return ""
}

func TestEveryRoleUserWaitsForItsRolePolicies(t *testing.T) {
	cfg := stackConfig(t, "prod")
	cfg["multi-region-ha:database"] = `{"autoFailover":"auto"}` // the detectors, their rules and targets
	m := offlinetest.MustRun(t, "prod", cfg, run)

	checked := map[string]int{}
	for _, r := range m.Resources() {
		for _, input := range roleInputs {
			arn := r.Str(input)
			if arn == "" || !strings.HasPrefix(arn, "arn:") {
				continue
			}
			role := roleByArn(m, arn)
			require.NotNil(t, role, "%s %s: %s %s is no role or instance profile of the program", r.Type, r.Name, input, arn)
			policies := policiesOf(m, role)
			require.NotEmpty(t, policies, "role %s has no policies", role.Name)
			for _, p := range policies {
				if reason := lateGrant(p.Name); reason != "" {
					t.Logf("%s %s: %s granted later: %s", r.Type, r.Name, p.Name, reason)
					continue
				}
				assert.True(t, dependsTransitively(m, r, p), "%s %s uses role %s before its %s %s exists", r.Type, r.Name, role.Name, p.Type, p.Name)
			}
			checked[r.Type]++
		}
	}
	for _, typ := range roleUsers {
		t.Run(typ, func(t *testing.T) {
			assert.NotZero(t, checked[typ], "no %s with a role found: the case is not checked", typ)
		})
	}
}

// An EventBridge target that publishes to an SNS topic acts through the topic's resource policy,
// not a role: it must wait for that policy as a role user waits for its role's.
func TestTopicTargetsWaitForTheTopicPolicy(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	found := 0
	for _, target := range m.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		if !strings.Contains(target.Str("arn"), ":sns:") {
			continue
		}
		found++
		var policy *offline.Resource
		for _, p := range m.OfType("aws:sns/topicPolicy:TopicPolicy") {
			if p.Str("arn") == target.Str("arn") {
				policy = p
			}
		}
		require.NotNil(t, policy, "no topic policy for %s", target.Str("arn"))
		assert.True(t, dependsTransitively(m, target, policy), "%s publishes to %s before its topic policy exists", target.Name, target.Str("arn"))
	}
	assert.NotZero(t, found, "no EventBridge target publishes to a topic")
}

// roleByArn finds the role an ARN names, through its instance profile when it names one.
func roleByArn(m *offline.Mocks, arn string) *offline.Resource {
	for _, r := range m.Resources() {
		if r.Outputs["arn"].IsString() && r.Outputs["arn"].StringValue() == arn {
			switch r.Type {
			case "aws:iam/role:Role":
				return r
			case "aws:iam/instanceProfile:InstanceProfile":
				for _, role := range m.OfType("aws:iam/role:Role") {
					if identifies(role, r.Str("role")) {
						return role
					}
				}
			}
		}
	}
	return nil
}

// policiesOf returns the inline policies and managed policy attachments of role.
func policiesOf(m *offline.Mocks, role *offline.Resource) []*offline.Resource {
	var out []*offline.Resource
	for _, typ := range []string{"aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"} {
		for _, p := range m.OfType(typ) {
			if identifies(role, p.Str("role")) {
				out = append(out, p)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// identifies reports whether value is role's id or name.
func identifies(role *offline.Resource, value string) bool {
	if value == "" {
		return false
	}
	return value == role.ID || (role.Outputs["name"].IsString() && role.Outputs["name"].StringValue() == value)
}

// dependsTransitively reports whether r waits for other: through its own dependencies or theirs.
func dependsTransitively(m *offline.Mocks, r, other *offline.Resource) bool {
	seen := map[string]bool{}
	var walk func(*offline.Resource) bool
	walk = func(x *offline.Resource) bool {
		for _, d := range x.Dependencies {
			if d == other.URN {
				return true
			}
			if seen[d] {
				continue
			}
			seen[d] = true
			if next := m.ByURN(d); next != nil && walk(next) {
				return true
			}
		}
		return false
	}
	return walk(r)
}
