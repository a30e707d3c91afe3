package drills

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

func policyParams() PolicyParams {
	return PolicyParams{Partition: "aws", AccountID: "123456789012", Region: "us-east-1",
		AutoScalingGroupName: "compute-us-east-1-asg", VpcId: "vpc-123",
		ClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:database-us-east-1"}
}

func templateOf(kind string) Template {
	switch kind {
	case KindInstance:
		return InstanceTemplate(params())
	case KindAZ:
		return AZTemplate(params(), "us-east-1a")
	}
	return RegionTemplate(params())
}

func allowed(doc iampolicy.Document) map[string]bool {
	out := map[string]bool{}
	for _, s := range doc.Statement {
		if s.Effect == "Allow" {
			for _, a := range s.Action {
				out[a] = true
			}
		}
	}
	return out
}

// Each role may do what its template's actions need (per the FIS reference), plus log delivery, and
// nothing more.
func TestRolesGrantExactlyWhatTheirTemplateRuns(t *testing.T) {
	for _, kind := range Kinds {
		got := allowed(RolePolicy(kind, policyParams()))
		want := map[string]bool{}
		for _, p := range Permissions(templateOf(kind)) {
			want[p] = true
			assert.True(t, got[p], "%s role lacks %s", kind, p)
		}
		for _, p := range LoggingActions {
			want[p] = true
		}
		for p := range got {
			assert.True(t, want[p], "%s role grants %s, which its template does not use", kind, p)
		}
	}
	assert.False(t, allowed(RolePolicy(KindRegion, policyParams()))["ec2:TerminateInstances"])
	assert.False(t, allowed(RolePolicy(KindInstance, policyParams()))["ec2:ReplaceNetworkAclAssociation"])
}

func TestRolePoliciesAreScoped(t *testing.T) {
	for _, kind := range Kinds {
		for _, s := range RolePolicy(kind, policyParams()).Statement {
			for _, a := range s.Action {
				mutating := !strings.Contains(a, ":Describe") && !strings.Contains(a, ":Get") && !strings.HasPrefix(a, "logs:") && !strings.Contains(a, ":List")
				if mutating {
					assert.NotEqual(t, []string{"*"}, s.Resource, "%s: %s on every resource", kind, a)
				}
				switch a {
				case "ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances":
					assert.Equal(t, "compute-us-east-1-asg", s.Condition["StringEquals"]["aws:ResourceTag/aws:autoscaling:groupName"], "%s %s", kind, a)
				case "ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl":
					assert.Equal(t, "true", s.Condition["StringEquals"]["ec2:ResourceTag/managedByFIS"], a)
				case "rds:FailoverDBCluster":
					assert.Equal(t, []string{policyParams().ClusterArn}, s.Resource)
				case "kms:CreateGrant":
					assert.Equal(t, "ec2.us-east-1.amazonaws.com", s.Condition["StringEquals"]["kms:ViaService"])
					assert.Equal(t, "true", s.Condition["Bool"]["kms:GrantIsForAWSResource"])
				}
				for _, r := range s.Resource {
					if r != "*" {
						assert.Contains(t, r, ":us-east-1:123456789012:", "%s %s stays in the region and account", kind, a)
					}
				}
			}
		}
	}
}

func TestTrustIsConfinedToTheAccountsExperiments(t *testing.T) {
	doc := TrustPolicy("aws", "123456789012", "us-west-2")
	s := doc.Statement[0]
	assert.Equal(t, map[string]any{"Service": []string{"fis.amazonaws.com"}}, s.Principal)
	assert.Equal(t, "123456789012", s.Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, "arn:aws:fis:us-west-2:123456789012:experiment/*", s.Condition["ArnLike"]["aws:SourceArn"])
}
