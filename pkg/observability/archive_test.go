package observability

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

const (
	typArchive  = "aws:accessanalyzer/archiveRule:ArchiveRule"
	elbUsEast1  = "127311923021"
	logBucket   = "compute-us-east-1-alb-logs-0a1b2c3d"
	deployRole  = "arn:aws:iam::" + acct + ":role/multi-region-ha/prod/multi-region-ha-prod-deploy"
	oidcPulumi  = "arn:aws:iam::" + acct + ":oidc-provider/api.pulumi.com/oidc"
	otherBucket = "someone-elses-bucket"
)

func intended() []IntendedAccess {
	return []IntendedAccess{
		ElbLogDelivery("us-east-1", "aws", pulumi.String(logBucket), elbUsEast1),
		FederatedTrust("deploy-role-oidc", deployRole, oidcPulumi),
	}
}

// archived evaluates an archive rule's filters the way Access Analyzer applies them (IAM user
// guide, "IAM Access Analyzer filter keys"; CreateArchiveRule): every criterion must match, and a
// criterion's eq matches when the finding's value is one of its values.
func archived(rule *offline.Resource, finding map[string]string) bool {
	filters, _ := rule.Plain("filters").([]any)
	if len(filters) == 0 {
		return false
	}
	for _, f := range filters {
		c := f.(map[string]any)
		got, ok := finding[c["criteria"].(string)]
		if !ok {
			return false
		}
		match := false
		for _, v := range c["eqs"].([]any) {
			match = match || v == got
		}
		if !match {
			return false
		}
	}
	return true
}

// The archive rules sit on the analyzer this stack creates and archive exactly the access the
// program intends: the access-log bucket's grant to its region's ELB account, and the deploy
// role's trust of Pulumi's OIDC provider. The same resource opened to someone else, or the same
// principal admitted to another resource, still pages.
func TestArchiveRulesArchiveOnlyTheIntendedAccess(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.AccessAnalyzer, a.IntendedAccess = AnalyzerCreate, intended() })
	rules := m.OfType(typArchive)
	require.Len(t, rules, 3, "the bucket's rule in its own region, the role's in both regions")
	byRegion := map[string][]string{}
	for _, r := range rules {
		byRegion[r.Region] = append(byRegion[r.Region], r.Str("ruleName"))
		analyzer := m.Named("aws:accessanalyzer/analyzer:Analyzer", "observability-"+r.Region+"-access-analyzer")
		require.NotNil(t, analyzer)
		assert.Equal(t, analyzer.Str("analyzerName"), r.Str("analyzerName"))
		assert.True(t, r.DependsOn(analyzer), "on the analyzer of its own region")
	}
	assert.ElementsMatch(t, []string{"prod-alb-logs-us-east-1", "prod-deploy-role-oidc"}, byRegion["us-east-1"])
	assert.ElementsMatch(t, []string{"prod-deploy-role-oidc"}, byRegion["us-west-2"])

	bucketRule := m.Named(typArchive, "observability-us-east-1-archive-alb-logs-us-east-1")
	require.NotNil(t, bucketRule)
	bucketArn := "arn:aws:s3:::" + logBucket
	for _, p := range []string{elbUsEast1, "arn:aws:iam::" + elbUsEast1 + ":root"} {
		assert.True(t, archived(bucketRule, map[string]string{"resource": bucketArn, "principal.AWS": p}), p)
	}
	assert.False(t, archived(bucketRule, map[string]string{"resource": bucketArn, "principal.AWS": "210987654321"}), "another account on the bucket pages")
	assert.False(t, archived(bucketRule, map[string]string{"resource": "arn:aws:s3:::" + otherBucket, "principal.AWS": elbUsEast1}), "the ELB account on another bucket pages")
	assert.False(t, archived(bucketRule, map[string]string{"resource": bucketArn}), "a public grant (no AWS principal) pages")

	roleRule := m.Named(typArchive, "observability-us-west-2-archive-deploy-role-oidc")
	require.NotNil(t, roleRule)
	assert.True(t, archived(roleRule, map[string]string{"resource": deployRole, "principal.Federated": oidcPulumi}))
	assert.False(t, archived(roleRule, map[string]string{"resource": deployRole, "principal.Federated": "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"}), "another issuer pages")
	assert.False(t, archived(roleRule, map[string]string{"resource": deployRole, "principal.AWS": "210987654321"}), "another account in the trust pages")
	assert.False(t, archived(roleRule, map[string]string{"resource": strings.Replace(deployRole, "prod-deploy", "prod-app", 1), "principal.Federated": oidcPulumi}), "the provider on another role pages")
}

// Rules only go where the stack owns the analyzer: with existing, another stack's analyzer
// carries its own rules.
func TestArchiveRulesOnlyOnTheAnalyzerThisStackCreates(t *testing.T) {
	for _, mode := range []string{AnalyzerExisting, AnalyzerOff} {
		m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.AccessAnalyzer, a.IntendedAccess = mode, intended() })
		assert.Empty(t, m.OfType(typArchive), mode)
	}
}

func TestIntendedAccessIsValidated(t *testing.T) {
	ok := intended()[1]
	for name, mutate := range map[string]func(*IntendedAccess){
		"no principals":   func(ia *IntendedAccess) { ia.Principals = nil },
		"empty principal": func(ia *IntendedAccess) { ia.Principals = []string{""} },
		"service key":     func(ia *IntendedAccess) { ia.PrincipalKey = "principal.Service" },
		"no resource":     func(ia *IntendedAccess) { ia.Resource = nil },
		"bad name":        func(ia *IntendedAccess) { ia.Name = "deploy role" },
	} {
		ia := ok
		mutate(&ia)
		assert.Error(t, ia.check(), name)
	}
	assert.NoError(t, ok.check())
}
