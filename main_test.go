package main

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// outputs records what run exports, since the mock monitor never receives stack outputs.
type outputs struct {
	mu     sync.Mutex
	values map[string]pulumi.Input
}

// watchExports swaps the export seam for a recorder for the duration of the test.
func watchExports(t *testing.T) *outputs {
	o := &outputs{values: map[string]pulumi.Input{}}
	previous := export
	export = func(ctx *pulumi.Context, name string, value pulumi.Input) {
		o.mu.Lock()
		o.values[name] = value
		o.mu.Unlock()
		previous(ctx, name, value)
	}
	t.Cleanup(func() { export = previous })
	return o
}

// resolve waits for an exported output and returns its plain value.
func (o *outputs) resolve(t *testing.T, name string) any {
	t.Helper()
	o.mu.Lock()
	v, ok := o.values[name]
	o.mu.Unlock()
	require.True(t, ok, "output %q was not exported", name)
	ch := make(chan any, 1)
	pulumi.ToOutput(v).ApplyT(func(x any) any { ch <- x; return x })
	// Round-trip through JSON so typed maps and slices compare as plain values.
	b, err := json.Marshal(<-ch)
	require.NoError(t, err)
	var plain any
	require.NoError(t, json.Unmarshal(b, &plain))
	return plain
}

// stackConfig reads a committed stack file the way the CLI does.
func stackConfig(t *testing.T, stack string) map[string]string {
	t.Helper()
	cfg, err := offline.StackConfig(".", stack)
	require.NoError(t, err)
	return cfg
}

// euConfig is the prod stack moved to a region pair that excludes us-east-1, with its pinned values
// (zones, images, health-check prefix lists) moved along.
func euConfig(t *testing.T) map[string]string {
	return offlinetest.MoveRegions(stackConfig(t, "prod"), map[string]string{"us-east-1": "eu-west-1", "us-west-2": "eu-central-1"})
}

type programCase struct {
	name      string
	stack     string
	config    func(t *testing.T) map[string]string
	primary   string
	secondary string
	azs       int
	nats      int
}

var programCases = []programCase{
	{"prod", "prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }, "us-east-1", "us-west-2", 3, 6},
	{"staging", "staging", func(t *testing.T) map[string]string { return stackConfig(t, "staging") }, "us-east-1", "us-west-2", 2, 2},
	{"eu regions", "prod", euConfig, "eu-west-1", "eu-central-1", 3, 6},
}

func TestProgramPutsEveryResourceOnAnExplicitRegionalProvider(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			providers := m.OfType("pulumi:providers:aws")
			regions := map[string]string{}
			for _, p := range providers {
				regions[p.Name] = p.Str("region")
				assert.Equal(t, "aws-"+p.Str("region"), p.Name, "providers are named by region, never by role")
				tags := p.Prop("defaultTags.tags")
				require.True(t, tags.IsObject(), "provider %s has default tags", p.Name)
				assert.Equal(t, "multi-region-ha", p.Str("defaultTags.tags.Project"))
				assert.Equal(t, "pulumi", p.Str("defaultTags.tags.ManagedBy"))
				assert.Equal(t, tc.stack, p.Str("defaultTags.tags.Stack"))
				assert.Equal(t, tc.stack, p.Str("defaultTags.tags.Environment"))
			}
			want := map[string]string{"aws-" + tc.primary: tc.primary, "aws-" + tc.secondary: tc.secondary}
			if tc.primary != "us-east-1" && tc.secondary != "us-east-1" {
				want["aws-us-east-1"] = "us-east-1"
			}
			assert.Equal(t, want, regions)

			for _, r := range m.Resources() {
				if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
					continue
				}
				assert.NotEmpty(t, r.ProviderName, "%s %s uses the ambient default provider", r.Type, r.Name)
				if strings.HasPrefix(r.Type, "random:") {
					assert.Equal(t, "random", r.ProviderName)
					continue
				}
				assert.Contains(t, []string{tc.primary, tc.secondary, "us-east-1"}, r.Region, "%s %s", r.Type, r.Name)
			}
			for _, inv := range m.Invokes() {
				assert.NotEmpty(t, inv.ProviderName, "invoke %s uses the ambient default provider", inv.Token)
			}
		})
	}
}

func TestEachRegionGetsItsOwnNetwork(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			for _, region := range []string{tc.primary, tc.secondary} {
				comp := m.Named("multi-region-ha:network:Network", "network-"+region)
				require.NotNil(t, comp, region)
				vpcs := m.InRegion("aws:ec2/vpc:Vpc", region)
				require.Len(t, vpcs, 1, region)
				assert.Equal(t, comp.URN, vpcs[0].Parent)
				assert.Len(t, m.InRegion("aws:ec2/subnet:Subnet", region), 3*tc.azs, region)
				for _, s := range m.InRegion("aws:ec2/subnet:Subnet", region) {
					assert.Regexp(t, "^"+region+"[a-z]$", s.Str("availabilityZone"))
				}
			}
			assert.Len(t, m.OfType("aws:ec2/natGateway:NatGateway"), tc.nats)
			primaryVpc := m.InRegion("aws:ec2/vpc:Vpc", tc.primary)[0]
			secondaryVpc := m.InRegion("aws:ec2/vpc:Vpc", tc.secondary)[0]
			assert.NotEqual(t, primaryVpc.Str("cidrBlock"), secondaryVpc.Str("cidrBlock"))
		})
	}
}

func TestCommittedStacksPinTheirNetworks(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	assert.Equal(t, "10.0.0.0/16", m.InRegion("aws:ec2/vpc:Vpc", "us-east-1")[0].Str("cidrBlock"))
	assert.Equal(t, "10.1.0.0/16", m.InRegion("aws:ec2/vpc:Vpc", "us-west-2")[0].Str("cidrBlock"))
	key := m.Named("aws:kms/key:Key", "network-us-east-1-flow-logs-key")
	require.NotNil(t, key)
	assert.True(t, key.Protect, "prod protects its keys")
	assert.Equal(t, 365.0, m.InRegion("aws:cloudwatch/logGroup:LogGroup", "us-east-1")[0].Num("retentionInDays"))

	s := offlinetest.MustRun(t, "staging", stackConfig(t, "staging"), run)
	assert.Equal(t, "10.10.0.0/16", s.InRegion("aws:ec2/vpc:Vpc", "us-east-1")[0].Str("cidrBlock"))
	assert.False(t, s.Named("aws:kms/key:Key", "network-us-east-1-flow-logs-key").Protect)
}

func TestOutputsNameEveryRegionsNetwork(t *testing.T) {
	o := watchExports(t)
	offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	vpcs := o.resolve(t, "vpcIds").(map[string]any)
	assert.Equal(t, map[string]any{"us-east-1": "network-us-east-1-vpc-id", "us-west-2": "network-us-west-2-vpc-id"}, vpcs)
	for _, name := range []string{"publicSubnetIds", "privateSubnetIds", "databaseSubnetIds"} {
		byRegion := o.resolve(t, name).(map[string]any)
		require.Len(t, byRegion, 2, name)
		for region, ids := range byRegion {
			assert.Len(t, ids, 3, "%s %s", name, region)
		}
	}
	assert.Equal(t, []any{"network-us-west-2-database-a-id", "network-us-west-2-database-b-id", "network-us-west-2-database-c-id"},
		o.resolve(t, "databaseSubnetIds").(map[string]any)["us-west-2"])
}

func TestBadConfigStopsBeforeAnyResource(t *testing.T) {
	cases := []struct {
		name string
		set  map[string]string
		want string
	}{
		{"same regions", map[string]string{"multi-region-ha:secondaryRegion": "us-east-1"}, "multi-region-ha:secondaryRegion"},
		{"typo in key", map[string]string{"multi-region-ha:primaryRgion": "us-east-2"}, "multi-region-ha:primaryRgion: unknown key"},
		{"overlap", map[string]string{"multi-region-ha:network": `{"secondary":{"cidr":"10.0.0.0/16"}}`}, "multi-region-ha:network.secondary.cidr"},
		{"azCount", map[string]string{"multi-region-ha:network": `{"azCount":7}`}, "multi-region-ha:network.azCount: is 7 but us-east-1 (primaryRegion) offers 6"},
		{"13-digit account", map[string]string{"multi-region-ha:accountId": "1234567890123"}, "multi-region-ha:accountId: is \"1234567890123\"; allowed: exactly 12 digits"},
		{"AMI of the wrong form", map[string]string{"multi-region-ha:compute": `{"amiIds":{"us-east-1":"ami-12","us-west-2":"ami-0b2c3d4e5f6071829"},"healthCheckPrefixListIds":{"us-east-1":"pl-0e1f2a3b4c5d6e7f8","us-west-2":"pl-0f1e2d3c4b5a69788"}}`}, "multi-region-ha:compute.amiIds.us-east-1: is \"ami-12\""},
		{"image map missing a region", map[string]string{"multi-region-ha:compute": `{"amiIds":{"us-east-1":"ami-0a1b2c3d4e5f60718"},"healthCheckPrefixListIds":{"us-east-1":"pl-0e1f2a3b4c5d6e7f8","us-west-2":"pl-0f1e2d3c4b5a69788"}}`}, "multi-region-ha:compute.amiIds.us-west-2: is required"},
		{"unknown region", map[string]string{"multi-region-ha:secondaryRegion": "eu-west-9"}, "multi-region-ha:secondaryRegion: \"eu-west-9\" is not a region this program knows"},
		{"no zones", map[string]string{"multi-region-ha:network": `{"primary":{"cidr":"10.0.0.0/16"},"secondary":{"cidr":"10.1.0.0/16","azs":["us-west-2a","us-west-2b","us-west-2c"]}}`}, "multi-region-ha:network.primary.azs: is required"},
		{"no hosted zone", map[string]string{"multi-region-ha:edge": `{"domainName":"example.com"}`}, "multi-region-ha:edge.hostedZoneId: is required unless edge.createHostedZone"},
		{"prefix list the table lacks", map[string]string{"multi-region-ha:compute": `{"amiIds":{"us-east-1":"ami-0a1b2c3d4e5f60718","us-west-2":"ami-0b2c3d4e5f6071829"}}`}, "multi-region-ha:compute.healthCheckPrefixListIds.us-east-1: is required: no known id of com.amazonaws.us-east-1.route53-healthchecks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := stackConfig(t, "prod")
			for k, v := range tc.set {
				cfg[k] = v
			}
			m, err := offlinetest.Run(t, "prod", cfg, run)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, m.Resources(), "no resource may be registered when config is bad")
		})
	}
}

// toJSON renders a plain value for substring checks.
func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
