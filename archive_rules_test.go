package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// The archive rules name what the program really deploys: each region's access-log bucket and the
// principal its policy grants, and the deploy role's ARN and the federated principal of its trust.
// A rename of either would leave the rule archiving nothing and the intended access paging.
func TestArchiveRulesNameTheProgramsOwnGrants(t *testing.T) {
	cfg := stackConfig(t, "prod")
	cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme"}`
	m := offlinetest.MustRun(t, "prod", cfg, run)

	rules := map[string]map[string][]any{} // region/rule -> criteria -> eqs
	for _, r := range m.OfType("aws:accessanalyzer/archiveRule:ArchiveRule") {
		crit := map[string][]any{}
		for _, f := range r.Plain("filters").([]any) {
			c := f.(map[string]any)
			crit[c["criteria"].(string)] = c["eqs"].([]any)
		}
		rules[r.Region+"/"+r.Str("ruleName")] = crit
	}
	for _, region := range []string{"us-east-1", "us-west-2"} {
		bucket := m.Named("aws:s3/bucketV2:BucketV2", "compute-"+region+"-alb-logs")
		require.NotNil(t, bucket, region)
		rule := rules[region+"/prod-alb-logs-"+region]
		require.NotNil(t, rule, region)
		assert.Equal(t, []any{"arn:aws:s3:::" + bucket.Outputs["bucket"].StringValue()}, rule["resource"])
		policy := m.Named("aws:s3/bucketPolicy:BucketPolicy", "compute-"+region+"-alb-logs-policy")
		require.NotNil(t, policy, region)
		granted := policy.JSON("policy")["Statement"].([]any)[0].(map[string]any)["Principal"].(map[string]any)["AWS"]
		list, ok := granted.([]any)
		if !ok {
			list = []any{granted}
		}
		require.NotEmpty(t, list)
		for _, g := range list {
			assert.Contains(t, rule["principal.AWS"], g, "the principal the bucket policy names")
		}

		role := m.Named("aws:iam/role:Role", "deploy-access-role")
		require.NotNil(t, role)
		trust := role.JSON("assumeRolePolicy")["Statement"].([]any)[0].(map[string]any)["Principal"].(map[string]any)["Federated"]
		deploy := rules[region+"/prod-deploy-role-oidc"]
		require.NotNil(t, deploy, region)
		assert.Equal(t, []any{role.Outputs["arn"].StringValue()}, deploy["resource"])
		assert.Equal(t, []any{trust}, deploy["principal.Federated"])
	}
	assert.Len(t, rules, 4)
}
