package pack

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

type report struct{ message, urn string }

type recorder struct{ reports []report }

func (r *recorder) ReportViolation(message, urn string) {
	r.reports = append(r.reports, report{message, urn})
}

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

// analyzerResource builds what the engine hands a policy, with a provider whose defaultTags come
// either as an object or as JSON text.
func analyzerResource(typ, name string, inputs resource.PropertyMap, defaultTags any) policyx.AnalyzerResource {
	return policyx.AnalyzerResource{
		Type: typ, Name: name, URN: "urn:pulumi:prod::multi-region-ha::" + typ + "::" + name,
		Properties: resource.FromResourcePropertyMap(inputs),
		Provider: policyx.AnalyzerProviderResource{
			Type: "pulumi:providers:aws", Name: "aws-us-east-1", URN: "urn:pulumi:prod::multi-region-ha::pulumi:providers:aws::aws-us-east-1",
			Properties: resource.FromResourcePropertyMap(props(map[string]any{"region": "us-east-1", "defaultTags": defaultTags})),
		},
	}
}

func findPolicy(t *testing.T, pack policyx.PolicyPack, name string) policyx.Policy {
	t.Helper()
	for _, p := range pack.Policies() {
		if p.Name() == name {
			return p
		}
	}
	t.Fatalf("policy %s not in the pack", name)
	return nil
}

func TestPackHasEveryRuleMandatory(t *testing.T) {
	pack, err := NewPack(&pulumi.Context{})
	require.NoError(t, err)
	assert.Equal(t, PackName, pack.Name())
	assert.Equal(t, PackVersion, pack.Version().String())
	require.Len(t, pack.Policies(), len(policy.Rules())+len(policy.StackRules()))
	for _, r := range policy.Rules() {
		p := findPolicy(t, pack, r.Name)
		assert.Implements(t, (*policyx.ResourceValidationPolicy)(nil), p)
		assert.Equal(t, policyx.EnforcementLevelMandatory, p.EnforcementLevel(), r.Name)
		assert.Equal(t, r.Description, p.Description())
	}
	for _, r := range policy.StackRules() {
		p := findPolicy(t, pack, r.Name)
		assert.Implements(t, (*policyx.StackValidationPolicy)(nil), p)
		assert.Equal(t, policyx.EnforcementLevelMandatory, p.EnforcementLevel(), r.Name)
	}
}

func TestResourcePolicyReportsViolationsOnTheResource(t *testing.T) {
	pack, err := NewPack(nil)
	require.NoError(t, err)
	p := findPolicy(t, pack, "launch-template-imdsv2").(policyx.ResourceValidationPolicy)
	lt := analyzerResource(policy.TypeLaunchTemplate, "lt", props(map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional", "httpPutResponseHopLimit": 2}}), nil)

	rec := &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: rec, Resource: lt}))
	require.Len(t, rec.reports, 2)
	assert.Equal(t, lt.URN, rec.reports[0].urn)
	assert.Contains(t, rec.reports[0].message, "httpTokens")

	// A rule ignores types it does not apply to.
	rec = &recorder{}
	other := analyzerResource(policy.TypeSnsTopic, "t", props(map[string]any{}), nil)
	require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: rec, Resource: other}))
	assert.Empty(t, rec.reports)
}

func TestProviderDefaultTagsCountInThePack(t *testing.T) {
	pack, err := NewPack(nil)
	require.NoError(t, err)
	p := findPolicy(t, pack, "required-tags").(policyx.ResourceValidationPolicy)
	tags := map[string]any{"tags": map[string]any{"Project": "multi-region-ha", "Environment": "prod", "ManagedBy": "pulumi"}}
	cases := []struct {
		name        string
		defaultTags any
		ownTags     map[string]any
		violations  int
	}{
		{"object default tags", tags, nil, 0},
		{"JSON-text default tags (bridged provider config)", `{"tags":{"Project":"multi-region-ha","Environment":"prod","ManagedBy":"pulumi"}}`, nil, 0},
		{"no default tags", nil, nil, 1},
		{"own tags only", nil, map[string]any{"Project": "p", "Environment": "staging", "ManagedBy": "pulumi"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inputs := map[string]any{"enableKeyRotation": true}
			if tc.ownTags != nil {
				inputs["tags"] = tc.ownTags
			}
			rec := &recorder{}
			r := analyzerResource(policy.TypeKmsKey, "k", props(inputs), tc.defaultTags)
			require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: rec, Resource: r}))
			assert.Len(t, rec.reports, tc.violations)
		})
	}
}

func TestFromAnalyzerKeepsContext(t *testing.T) {
	ar := analyzerResource(policy.TypeRdsCluster, "db", props(map[string]any{"engine": "aurora-postgresql"}), map[string]any{"tags": map[string]any{"Environment": "staging"}})
	ar.Options.Protect = true
	ar.Dependencies = []string{"urn:a"}
	ar.PropertyDependencies = map[string][]string{"kmsKeyId": {"urn:key"}}
	r := FromAnalyzer(ar)
	assert.Equal(t, policy.TypeRdsCluster, r.Type)
	assert.True(t, r.Protect)
	assert.Equal(t, "us-east-1", r.Region())
	assert.Equal(t, "staging", r.Environment())
	assert.False(t, r.Prod())
	assert.Equal(t, []string{"urn:key"}, r.PropertyDependencies["kmsKeyId"])
	assert.Equal(t, "aurora-postgresql", r.Inputs["engine"].StringValue())

	noProvider := FromAnalyzer(policyx.AnalyzerResource{Type: policy.TypeKmsKey, Properties: resource.FromResourcePropertyMap(props(map[string]any{}))})
	assert.Nil(t, noProvider.Provider)
	assert.True(t, noProvider.Prod(), "without an Environment tag the prod rules apply")
}

// In a preview the outputs of resources not created yet are unknown: rules must not call a key ARN
// that is still unknown "missing", and stack rules link companions through property dependencies.
func TestPreviewUnknownsAndPropertyDependencies(t *testing.T) {
	pack, err := NewPack(nil)
	require.NoError(t, err)
	tags := map[string]any{"tags": map[string]any{"Project": "p", "Environment": "prod", "ManagedBy": "pulumi"}}
	unknown := resource.MakeComputed(resource.NewStringProperty(""))

	logGroup := analyzerResource(policy.TypeLogGroup, "lg", resource.PropertyMap{"kmsKeyId": unknown}, tags)
	rec := &recorder{}
	require.NoError(t, findPolicy(t, pack, "log-group-encrypted").(policyx.ResourceValidationPolicy).Validate(context.Background(),
		policyx.ResourceValidationArgs{Manager: rec, Resource: logGroup}))
	assert.Empty(t, rec.reports)

	vpc := analyzerResource(policy.TypeVpc, "vpc", props(map[string]any{"cidrBlock": "10.0.0.0/16"}), tags)
	flowLog := analyzerResource(policy.TypeFlowLog, "fl", resource.PropertyMap{"vpcId": unknown}, tags)
	flowLog.PropertyDependencies = map[string][]string{"vpcId": {vpc.URN}}
	strayFlowLog := analyzerResource(policy.TypeFlowLog, "other", resource.PropertyMap{"vpcId": unknown}, tags)
	strayFlowLog.PropertyDependencies = map[string][]string{"vpcId": {"urn:other-vpc"}}
	stack := findPolicy(t, pack, "vpc-flow-logs").(policyx.StackValidationPolicy)

	rec = &recorder{}
	require.NoError(t, stack.Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: []policyx.AnalyzerResource{vpc, flowLog}}))
	assert.Empty(t, rec.reports)

	rec = &recorder{}
	require.NoError(t, stack.Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: []policyx.AnalyzerResource{vpc, strayFlowLog}}))
	require.Len(t, rec.reports, 1)
	assert.Equal(t, vpc.URN, rec.reports[0].urn)
}
