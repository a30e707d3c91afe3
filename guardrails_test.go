package main

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/multi-region-ha/multi-region-ha/pkg/guardrails"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
	"github.com/multi-region-ha/multi-region-ha/policy/pack"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// policyResources is the guardrails' view of what the mock monitor recorded (the one adapter
// `plan`, `guardrails` and these tests share).
func policyResources(m *offline.Mocks) []*policy.Resource { return guardrails.Resources(m.Resources()) }

// guardrailCases are the whole-program configurations the guardrails run over.
var guardrailCases = []struct {
	name   string
	stack  string
	config func(t *testing.T) map[string]string
}{
	{"prod", "prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }},
	{"staging", "staging", func(t *testing.T) map[string]string { return stackConfig(t, "staging") }},
	{"eu regions", "prod", euConfig},
	{"prod with deployments", "prod", func(t *testing.T) map[string]string {
		cfg := stackConfig(t, "prod")
		cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme"}`
		return cfg
	}},
	{"prod with automatic failover", "prod", func(t *testing.T) map[string]string {
		return withDatabase(stackConfig(t, "prod"), `{"autoFailover":"auto","writeForwarding":true}`)
	}},
}

func TestEveryResourcePassesEveryGuardrail(t *testing.T) {
	for _, tc := range guardrailCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			resources := policyResources(m)
			require.NotEmpty(t, resources)
			for _, v := range policy.Check(resources) {
				t.Errorf("%s", v)
			}
		})
	}
}

// The guardrails see what they are meant to see: a run that registers nothing they check would
// pass vacuously.
func TestGuardrailsSeeTheProgram(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	resources := policyResources(m)
	types := map[string]int{}
	taggable := 0
	for _, r := range resources {
		types[r.Type]++
		if policy.Taggable(r.Type) {
			taggable++
			assert.NotNil(t, r.Provider, "%s %s has no provider", r.Type, r.Name)
			assert.Equal(t, "prod", r.Environment(), "%s %s", r.Type, r.Name)
		}
	}
	assert.Greater(t, taggable, 50)
	for _, typ := range []string{policy.TypeVpc, policy.TypeFlowLog, policy.TypeDefaultSecurityGroup, policy.TypeNetworkAcl, policy.TypeKmsKey, policy.TypeLogGroup} {
		assert.GreaterOrEqual(t, types[typ], 2, typ)
	}

	// Break one resource the program registered and the guardrails notice.
	for _, r := range resources {
		if r.Type == policy.TypeKmsKey {
			r.Protect = false
			break
		}
	}
	assert.NotEmpty(t, policy.Check(resources))
}

// expectations reads the ports the design allows from the stack's typed configuration.
func expectations(t *testing.T, stack string, cfg map[string]string, region string) policy.Expectations {
	t.Helper()
	values := map[string]string{}
	for k, v := range cfg {
		if name, ok := strings.CutPrefix(k, offline.Project+":"); ok {
			values[name] = v
		}
	}
	c, err := stacks.Parse(stack, values, nil)
	require.NoError(t, err)
	return policy.Expectations{AppPort: c.Compute.AppPort, DatabasePort: c.Database.Port(), CloudFrontPrefixList: c.PrefixLists(region).CloudFront,
		HealthCheckPrefixList: c.PrefixLists(region).HealthCheck}
}

func TestReachabilityOfTheWholeProgram(t *testing.T) {
	for _, tc := range guardrailCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.config(t)
			m := offlinetest.MustRun(t, tc.stack, cfg, run)
			nets := policy.Networks(policyResources(m))
			for _, vpc := range m.OfType(policy.TypeVpc) {
				n := nets[vpc.Region]
				require.NotNil(t, n, "no network model for %s", vpc.Region)
				want := expectations(t, tc.stack, cfg, vpc.Region)

				// Network level, whatever else exists: the tiers are recognised, so the ACL and route
				// checks below have something to check.
				require.NotEmpty(t, n.SubnetsOfTier(policy.RoleDatabase), vpc.Region)
				require.NotEmpty(t, n.SubnetsOfTier("public"), vpc.Region)
				require.NotEmpty(t, n.SubnetsOfTier("private"), vpc.Region)
				for _, problem := range n.Check(want) {
					t.Errorf("%s: %s", vpc.Region, problem)
				}

				// The paths the design needs exist once their components do.
				flows := n.Flows()
				requireFlow := func(fromRole, toRole string, port int) {
					if !n.HasRole(fromRole) && fromRole != "prefix-list" || !n.HasRole(toRole) {
						t.Logf("%s: no %s or %s yet; skipping the %s -> %s path", vpc.Region, fromRole, toRole, fromRole, toRole)
						return
					}
					for _, f := range flows {
						if f.FromRole == fromRole && f.ToRole == toRole && f.Covers(port) {
							return
						}
					}
					t.Errorf("%s: %s cannot reach %s on %d; flows: %v", vpc.Region, fromRole, toRole, port, flows)
				}
				requireFlow("prefix-list", policy.RoleALB, 443)
				requireFlow(policy.RoleALB, policy.RoleInstances, want.AppPort)
				requireFlow(policy.RoleInstances, policy.RoleDatabase, want.DatabasePort)
			}
		})
	}
}

// Over the real program, a rule that opens a path is caught: an ACL entry admitting SSH, and (once
// the compute tier exists) a security group rule opening the instances.
func TestReachabilityCatchesAnOpenedPathInTheProgram(t *testing.T) {
	cfg := stackConfig(t, "prod")
	m := offlinetest.MustRun(t, "prod", cfg, run)
	resources := policyResources(m)
	region := m.OfType(policy.TypeVpc)[0].Region
	var acl, appGroup *policy.Resource
	for _, r := range resources {
		if r.Region() != region {
			continue
		}
		switch {
		case r.Type == policy.TypeNetworkAcl && acl == nil:
			acl = r
		case r.Type == policy.TypeSecurityGroup && strings.HasSuffix(r.Name, "-app-sg"):
			appGroup = r
		}
	}
	require.NotNil(t, acl)
	provider := acl.Provider
	opened := append(resources, &policy.Resource{
		Type: policy.TypeNetworkAclRule, Name: "ssh-in", URN: "urn:test:ssh-in", Provider: provider,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"networkAclId": acl.ID, "ruleNumber": 1, "egress": false,
			"protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "fromPort": 22, "toPort": 22}),
	})
	assert.NotEmpty(t, policy.Networks(opened)[region].Check(expectations(t, "prod", cfg, region)))

	if appGroup == nil {
		t.Log("no instances' security group yet; skipping the security group case")
		return
	}
	opened = append(resources, &policy.Resource{
		Type: policy.TypeIngressRule, Name: "app-ssh", URN: "urn:test:app-ssh", Provider: provider,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"securityGroupId": appGroup.ID, "ipProtocol": "tcp",
			"fromPort": 22, "toPort": 22, "cidrIpv4": "10.0.0.0/8", "description": "test"}),
	})
	problems := policy.Networks(opened)[region].Check(expectations(t, "prod", cfg, region))
	assert.NotEmpty(t, problems)
}

// analyzerResources is what the engine would hand the policy pack for the recorded program: each
// resource's properties (with its id, as the stack analysis of an update sees them), options,
// dependencies and its provider's inputs, marshalled as the engine marshals them.
func analyzerResources(t *testing.T, m *offline.Mocks) []*pulumirpc.AnalyzerResource {
	t.Helper()
	recorded := m.Resources()
	providers := map[string]*offline.Resource{}
	for _, r := range recorded {
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			providers[r.Name] = r
		}
	}
	marshal := func(pm resource.PropertyMap) *structpb.Struct { return engineProperties(t, pm) }
	var out []*pulumirpc.AnalyzerResource
	for _, r := range recorded {
		props := r.Outputs.Copy()
		if r.ID != "" {
			props["id"] = resource.NewStringProperty(r.ID)
		}
		ar := &pulumirpc.AnalyzerResource{
			Type: r.Type, Name: r.Name, Urn: r.URN, Parent: r.Parent, Dependencies: r.Dependencies,
			Properties: marshal(props),
			Options:    &pulumirpc.AnalyzerResourceOptions{Protect: r.Protect, IgnoreChanges: r.IgnoreChanges},
		}
		if p := providers[r.ProviderName]; p != nil {
			ar.Provider = &pulumirpc.AnalyzerProviderResource{Type: p.Type, Name: p.Name, Urn: p.URN, Properties: marshal(p.Inputs)}
		}
		out = append(out, ar)
	}
	return out
}

// engineProperties marshals properties as the engine sends them to an analyzer: unknowns and
// secrets kept.
func engineProperties(t *testing.T, pm resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true})
	require.NoError(t, err)
	return s
}

// analyze is one engine pass through an analyzer: Analyze for every resource, then AnalyzeStack.
// It returns "policy: urn" for every diagnostic, and the diagnostics themselves.
func analyze(t *testing.T, a pulumirpc.AnalyzerClient, resources []*pulumirpc.AnalyzerResource) ([]string, []*pulumirpc.AnalyzeDiagnostic) {
	t.Helper()
	ctx := context.Background()
	var all []*pulumirpc.AnalyzeDiagnostic
	for _, r := range resources {
		resp, err := a.Analyze(ctx, &pulumirpc.AnalyzeRequest{Type: r.Type, Name: r.Name, Urn: r.Urn, Properties: r.Properties, Options: r.Options, Provider: r.Provider})
		require.NoError(t, err, r.Urn)
		all = append(all, resp.GetDiagnostics()...)
	}
	resp, err := a.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: resources})
	require.NoError(t, err)
	all = append(all, resp.GetDiagnostics()...)
	var short []string
	for _, d := range all {
		short = append(short, d.GetPolicyName()+": "+d.GetUrn()+": "+d.GetMessage())
	}
	return short, all
}

// inProcess is the pack's analyzer served on a loopback port inside the test.
func inProcess(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	pulumirpc.RegisterAnalyzerServer(srv, pack.NewServer(""))
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

// The policy pack, fed what the engine would send for the whole program, agrees with the tests:
// no violation, and a broken resource is reported.
func TestPolicyPackPassesTheWholeProgram(t *testing.T) {
	for _, tc := range guardrailCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			resources := analyzerResources(t, m)
			client := inProcess(t)
			found, _ := analyze(t, client, resources)
			assert.Empty(t, found)

			for i, r := range resources {
				if r.Type == policy.TypeFlowLog {
					resources = append(resources[:i:i], resources[i+1:]...)
					break
				}
			}
			found, _ = analyze(t, client, resources)
			assert.NotEmpty(t, found, "a VPC without its flow log is reported")
		})
	}
}
