package pack

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func marshal(t *testing.T, pm resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true})
	require.NoError(t, err)
	return s
}

const providerURN = "urn:pulumi:prod::multi-region-ha::pulumi:providers:aws::aws-us-east-1"

// provider is what the engine sends for the resource's explicit provider, with defaultTags as an
// object or as JSON text.
func provider(t *testing.T, defaultTags any) *pulumirpc.AnalyzerProviderResource {
	return &pulumirpc.AnalyzerProviderResource{
		Type: "pulumi:providers:aws", Name: "aws-us-east-1", Urn: providerURN,
		Properties: marshal(t, props(map[string]any{"region": "us-east-1", "defaultTags": defaultTags})),
	}
}

func urn(typ, name string) string { return "urn:pulumi:prod::multi-region-ha::" + typ + "::" + name }

func analyzeRequest(t *testing.T, typ, name string, inputs resource.PropertyMap, defaultTags any) *pulumirpc.AnalyzeRequest {
	return &pulumirpc.AnalyzeRequest{Type: typ, Name: name, Urn: urn(typ, name), Properties: marshal(t, inputs), Provider: provider(t, defaultTags)}
}

func stackResource(t *testing.T, typ, name string, inputs resource.PropertyMap, defaultTags any) *pulumirpc.AnalyzerResource {
	return &pulumirpc.AnalyzerResource{Type: typ, Name: name, Urn: urn(typ, name), Properties: marshal(t, inputs), Provider: provider(t, defaultTags)}
}

var prodTags = map[string]any{"tags": map[string]any{"Project": "p", "Environment": "prod", "ManagedBy": "pulumi"}}

// The metadata needs no stack: a fresh server (no Handshake, no ConfigureStack) lists every rule
// and stack rule as a mandatory policy of the right type, as `pulumi policy publish` asks for it.
func TestInfoAnswersWithoutAStack(t *testing.T) {
	s := NewServer("")
	pi, err := s.GetPluginInfo(context.Background(), &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, PackVersion, pi.GetVersion())

	info, err := s.GetAnalyzerInfo(context.Background(), &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, PackName, info.GetName())
	assert.Equal(t, PackVersion, info.GetVersion())
	assert.True(t, info.GetSupportsConfig())
	got := map[string]*pulumirpc.PolicyInfo{}
	for _, p := range info.GetPolicies() {
		got[p.GetName()] = p
	}
	require.Len(t, got, len(policy.Rules())+len(policy.StackRules()), "one policy per rule, no duplicates")
	for _, r := range policy.Rules() {
		require.Contains(t, got, r.Name)
		assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, got[r.Name].GetEnforcementLevel(), r.Name)
		assert.Equal(t, pulumirpc.PolicyType_POLICY_TYPE_RESOURCE, got[r.Name].GetPolicyType(), r.Name)
		assert.Equal(t, r.Description, got[r.Name].GetDescription())
	}
	for _, r := range policy.StackRules() {
		require.Contains(t, got, r.Name)
		assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, got[r.Name].GetEnforcementLevel(), r.Name)
		assert.Equal(t, pulumirpc.PolicyType_POLICY_TYPE_STACK, got[r.Name].GetPolicyType(), r.Name)
	}

	v, err := NewServer("1.4.0").GetPluginInfo(context.Background(), &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, "1.4.0", v.GetVersion())
}

func TestAnalyzeReportsMandatoryViolationsOnTheResource(t *testing.T) {
	s := NewServer("")
	req := analyzeRequest(t, policy.TypeLaunchTemplate, "lt", props(map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional", "httpPutResponseHopLimit": 2}}), prodTags)
	resp, err := s.Analyze(context.Background(), req)
	require.NoError(t, err)
	var imds []*pulumirpc.AnalyzeDiagnostic
	for _, d := range resp.GetDiagnostics() {
		if d.GetPolicyName() == "launch-template-imdsv2" {
			imds = append(imds, d)
		}
	}
	require.Len(t, imds, 2)
	assert.Equal(t, req.GetUrn(), imds[0].GetUrn())
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, imds[0].GetEnforcementLevel())
	assert.Equal(t, PackName, imds[0].GetPolicyPackName())
	assert.Contains(t, imds[0].GetMessage(), "httpTokens")

	// A compliant resource of a type the rule does not check gets no diagnostic of it.
	resp, err = s.Analyze(context.Background(), analyzeRequest(t, policy.TypeSnsTopic, "t", props(map[string]any{}), prodTags))
	require.NoError(t, err)
	for _, d := range resp.GetDiagnostics() {
		assert.NotEqual(t, "launch-template-imdsv2", d.GetPolicyName())
	}
}

// Provider default tags count: the engine sends them as an object, or as JSON text (bridged
// provider config).
func TestProviderDefaultTagsCount(t *testing.T) {
	for _, tc := range []struct {
		name        string
		defaultTags any
		ownTags     map[string]any
		violations  int
	}{
		{"object default tags", prodTags, nil, 0},
		{"JSON-text default tags", `{"tags":{"Project":"multi-region-ha","Environment":"prod","ManagedBy":"pulumi"}}`, nil, 0},
		{"no default tags", nil, nil, 1},
		{"own tags only", nil, map[string]any{"Project": "p", "Environment": "staging", "ManagedBy": "pulumi"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inputs := map[string]any{"enableKeyRotation": true}
			if tc.ownTags != nil {
				inputs["tags"] = tc.ownTags
			}
			resp, err := NewServer("").Analyze(context.Background(), analyzeRequest(t, policy.TypeKmsKey, "k", props(inputs), tc.defaultTags))
			require.NoError(t, err)
			n := 0
			for _, d := range resp.GetDiagnostics() {
				if d.GetPolicyName() == "required-tags" {
					n++
				}
			}
			assert.Equal(t, tc.violations, n)
		})
	}
}

func TestToRuleKeepsContext(t *testing.T) {
	r := ToRule(Analyzed{
		Type: policy.TypeRdsCluster, Name: "db", URN: "urn:db", Protect: true,
		Properties:           props(map[string]any{"engine": "aurora-postgresql"}),
		Dependencies:         []string{"urn:a"},
		PropertyDependencies: map[string][]string{"kmsKeyId": {"urn:key"}},
		Provider:             &AnalyzedProvider{Type: "pulumi:providers:aws", Name: "aws", URN: "urn:p", Properties: props(map[string]any{"region": "us-east-1", "defaultTags": map[string]any{"tags": map[string]any{"Environment": "staging"}}})},
	})
	assert.True(t, r.Protect)
	assert.Equal(t, "us-east-1", r.Region())
	assert.Equal(t, "staging", r.Environment())
	assert.Equal(t, []string{"urn:key"}, r.PropertyDependencies["kmsKeyId"])
	assert.Equal(t, "aurora-postgresql", r.Inputs["engine"].StringValue())

	noProvider := ToRule(Analyzed{Type: policy.TypeKmsKey, Properties: props(map[string]any{})})
	assert.Nil(t, noProvider.Provider)
	assert.True(t, noProvider.Prod(), "without an Environment tag the prod rules apply")
}

// In a preview the outputs of resources not created yet are unknown: the call must not fail
// (policyx fails the whole Analyze on one) and a rule must not call an unknown key ARN "missing";
// stack rules link companions through property dependencies.
func TestPreviewUnknownsAndPropertyDependencies(t *testing.T) {
	s := NewServer("")
	unknown := resource.MakeComputed(resource.NewStringProperty(""))
	resp, err := s.Analyze(context.Background(), analyzeRequest(t, policy.TypeLogGroup, "lg", resource.PropertyMap{"kmsKeyId": unknown, "retentionInDays": resource.NewNumberProperty(365)}, prodTags))
	require.NoError(t, err)
	for _, d := range resp.GetDiagnostics() {
		assert.NotEqual(t, "log-group-encrypted", d.GetPolicyName(), d.GetMessage())
	}

	vpc := stackResource(t, policy.TypeVpc, "vpc", props(map[string]any{"cidrBlock": "10.0.0.0/16"}), prodTags)
	flowLog := stackResource(t, policy.TypeFlowLog, "fl", resource.PropertyMap{"vpcId": unknown}, prodTags)
	flowLog.PropertyDependencies = map[string]*pulumirpc.AnalyzerPropertyDependencies{"vpcId": {Urns: []string{vpc.GetUrn()}}}
	stray := stackResource(t, policy.TypeFlowLog, "other", resource.PropertyMap{"vpcId": unknown}, prodTags)
	stray.PropertyDependencies = map[string]*pulumirpc.AnalyzerPropertyDependencies{"vpcId": {Urns: []string{"urn:other-vpc"}}}

	flowLogFindings := func(resources ...*pulumirpc.AnalyzerResource) []*pulumirpc.AnalyzeDiagnostic {
		resp, err := s.AnalyzeStack(context.Background(), &pulumirpc.AnalyzeStackRequest{Resources: resources})
		require.NoError(t, err)
		var out []*pulumirpc.AnalyzeDiagnostic
		for _, d := range resp.GetDiagnostics() {
			if d.GetPolicyName() == "vpc-flow-logs" {
				out = append(out, d)
			}
		}
		return out
	}
	assert.Empty(t, flowLogFindings(vpc, flowLog))
	got := flowLogFindings(vpc, stray)
	require.Len(t, got, 1)
	assert.Equal(t, vpc.GetUrn(), got[0].GetUrn())
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, got[0].GetEnforcementLevel())
}

// A policy group may set levels; a disabled policy does not run, an advisory one only warns, a
// "remediate" one keeps blocking (the pack has no remediations), and a typo is refused.
func TestConfigureSetsLevels(t *testing.T) {
	lt := props(map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional", "httpPutResponseHopLimit": 1}})
	for _, tc := range []struct {
		level pulumirpc.EnforcementLevel
		want  []pulumirpc.EnforcementLevel
	}{
		{pulumirpc.EnforcementLevel_DISABLED, nil},
		{pulumirpc.EnforcementLevel_ADVISORY, []pulumirpc.EnforcementLevel{pulumirpc.EnforcementLevel_ADVISORY}},
		{pulumirpc.EnforcementLevel_REMEDIATE, []pulumirpc.EnforcementLevel{pulumirpc.EnforcementLevel_MANDATORY}},
		{pulumirpc.EnforcementLevel_MANDATORY, []pulumirpc.EnforcementLevel{pulumirpc.EnforcementLevel_MANDATORY}},
	} {
		t.Run(EnforcementName(tc.level), func(t *testing.T) {
			s := NewServer("")
			_, err := s.Configure(context.Background(), &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{
				"launch-template-imdsv2": {EnforcementLevel: tc.level},
			}})
			require.NoError(t, err)
			resp, err := s.Analyze(context.Background(), analyzeRequest(t, policy.TypeLaunchTemplate, "lt", lt, prodTags))
			require.NoError(t, err)
			var got []pulumirpc.EnforcementLevel
			for _, d := range resp.GetDiagnostics() {
				if d.GetPolicyName() == "launch-template-imdsv2" {
					got = append(got, d.GetEnforcementLevel())
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := NewServer("").Configure(context.Background(), &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{
		"launch-template-imdsv3": {EnforcementLevel: pulumirpc.EnforcementLevel_DISABLED},
	}})
	assert.ErrorContains(t, err, `no policy "launch-template-imdsv3"`)
}
