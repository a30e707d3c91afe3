package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// recorded is one resource as the baseline files hold it.
type recorded struct {
	URN, Type, Name, Provider, Region, Parent string
	Deps, Ignore                              []string
	Protect, Retain                           bool
	Inputs                                    json.RawMessage
}

// snapshot renders every recorded resource (inputs as the engine would receive them), by URN.
func snapshot(t *testing.T, m *offline.Mocks) map[string]recorded {
	t.Helper()
	out := map[string]recorded{}
	for _, r := range m.Resources() {
		s, err := plugin.MarshalProperties(r.Inputs, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepOutputValues: true})
		require.NoError(t, err)
		b, err := protojson.Marshal(s)
		require.NoError(t, err)
		var norm any
		require.NoError(t, json.Unmarshal(b, &norm))
		nb, err := json.Marshal(norm)
		require.NoError(t, err)
		deps := append([]string(nil), r.Dependencies...)
		sort.Strings(deps)
		out[r.URN] = recorded{r.URN, r.Type, r.Name, r.ProviderName, r.Region, r.Parent, deps, r.IgnoreChanges, r.Protect, r.RetainOnDelete, nb}
	}
	return out
}

// recordBaseline rewrites stacks/testdata/baseline from the current program. The files were first
// written BEFORE static stability, when the offline model still answered the lookups, and the
// static-stability commit proved the program unchanged against them; they were re-recorded once
// when the issues built in parallel with it (failover, patching, drills) merged, since those change
// resources on purpose. Re-record only for a deliberate change of resources, and review the diff.
var recordBaseline = flag.Bool("record-baseline", false, "rewrite stacks/testdata/baseline from the current program")

// baselinePath is the recorded resources of one program case.
func baselinePath(name string) string {
	return "stacks/testdata/baseline/" + strings.ReplaceAll(name, " ", "-") + ".json.gz"
}

// writeBaseline records the current resources of a program case, sorted by URN.
func writeBaseline(t *testing.T, name string, now map[string]recorded) {
	t.Helper()
	var out []recorded
	for _, r := range now {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	f, err := os.Create(baselinePath(name))
	require.NoError(t, err)
	defer f.Close()
	z := gzip.NewWriter(f)
	require.NoError(t, json.NewEncoder(z).Encode(out))
	require.NoError(t, z.Close())
}

// baseline reads the recorded resources of one program case (see recordBaseline).
func baseline(t *testing.T, name string) []recorded {
	t.Helper()
	f, err := os.Open(baselinePath(name))
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	var out []recorded
	require.NoError(t, json.NewDecoder(z).Decode(&out))
	return out
}

// parsed loads the typed config the test case runs with.
func parsed(t *testing.T, stack string, cfg map[string]string) *stacks.Config {
	t.Helper()
	values := map[string]string{}
	for k, v := range cfg {
		if name, ok := strings.CutPrefix(k, offline.Project+":"); ok {
			values[name] = v
		}
	}
	c, err := stacks.Parse(stack, values, nil)
	require.NoError(t, err)
	return c
}

// The offline model fails every data-source call, so these runs prove the program makes none. What
// the lookups used to feed is unchanged: every resource of today equals the one recorded when the
// lookups were answered, once the looked-up values are replaced by the pinned ones (the offline
// model's made-up AMI, prefix list and zone ids; its ELB account was us-east-1's in every region,
// the table now gives each region its own), and apart from the providers' new allowedAccountIds.
func TestStaticStabilityChangesNothingTheLookupsFed(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			config := tc.config(t)
			m := offlinetest.MustRun(t, tc.stack, config, run)
			assert.Empty(t, m.Invokes(), "no data-source call during preview or update")
			cfg := parsed(t, tc.stack, config)
			now := snapshot(t, m)
			if *recordBaseline {
				writeBaseline(t, tc.name, now)
			}

			before := baseline(t, tc.name)
			oldAmi := map[string]string{}
			for _, r := range before {
				if r.Type == "aws:ec2/launchTemplate:LaunchTemplate" {
					var in map[string]any
					require.NoError(t, json.Unmarshal(r.Inputs, &in))
					oldAmi[r.Region] = in["imageId"].(string)
				}
			}
			require.Len(t, oldAmi, 2)

			seen := map[string]bool{}
			for _, old := range before {
				seen[old.URN] = true
				cur, ok := now[old.URN]
				if !assert.True(t, ok, "resource %s is gone", old.URN) {
					continue
				}
				inputs := string(old.Inputs)
				if r := old.Region; r == tc.primary || r == tc.secondary {
					elb := "127311923021"
					if id, ok := awsenv.ElbAccount(r); ok {
						elb = id
					}
					inputs = strings.NewReplacer(
						"pl-cloudfront-"+r, cfg.PrefixLists(r).CloudFront,
						oldAmi[r], cfg.AmiId(r),
						"arn:aws:iam::127311923021:root", "arn:aws:iam::"+elb+":root",
					).Replace(inputs)
				}
				inputs = strings.ReplaceAll(inputs, "ZLOOKEDUP", cfg.Edge.HostedZoneId)
				curInputs := string(cur.Inputs)
				if old.Type == "pulumi:providers:aws" {
					var in map[string]any
					require.NoError(t, json.Unmarshal(cur.Inputs, &in))
					assert.Equal(t, []any{cfg.AccountId}, in["allowedAccountIds"], "%s refuses other accounts", old.Name)
					delete(in, "allowedAccountIds")
					b, _ := json.Marshal(in)
					curInputs = string(b)
					var was map[string]any // re-recorded baselines carry it too
					require.NoError(t, json.Unmarshal([]byte(inputs), &was))
					delete(was, "allowedAccountIds")
					b, _ = json.Marshal(was)
					inputs = string(b)
				}
				assert.JSONEq(t, inputs, curInputs, "inputs of %s", old.URN)
				old.Inputs, cur.Inputs = nil, nil
				assert.Equal(t, old, cur, "%s: provider, parent, dependencies and options", old.URN)
			}
			for urn := range now {
				assert.True(t, seen[urn], "new resource %s", urn)
			}
		})
	}
}

// unavailableRegion changes exactly the settings of that region's provider that make configuring it
// network-free, and nothing else: no other provider, no resource, no URN.
func TestUnavailableRegionChangesOnlyThatProvider(t *testing.T) {
	cases := []struct {
		name, stack    string
		config         func(t *testing.T) map[string]string
		dark, survivor string
	}{
		{"prod, secondary dark", "prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }, "us-west-2", "us-east-1"},
		{"prod, home region dark", "prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }, "us-east-1", "us-west-2"},
		{"eu pair, edge region dark", "prod", euConfig, "us-east-1", "eu-west-1"},
		{"eu pair, primary dark", "prod", euConfig, "eu-west-1", "eu-central-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			normal := snapshot(t, offlinetest.MustRun(t, tc.stack, tc.config(t), run))
			cfg := tc.config(t)
			cfg["multi-region-ha:unavailableRegion"] = tc.dark
			m := offlinetest.MustRun(t, tc.stack, cfg, run)
			assert.Empty(t, m.Invokes())
			dark := snapshot(t, m)
			require.Equal(t, len(normal), len(dark))
			for urn, before := range normal {
				after, ok := dark[urn]
				require.True(t, ok, "%s is gone", urn)
				if before.Type == "pulumi:providers:aws" && before.Name == "aws-"+tc.dark {
					var b, a map[string]any
					require.NoError(t, json.Unmarshal(before.Inputs, &b))
					require.NoError(t, json.Unmarshal(after.Inputs, &a))
					assert.Equal(t, []any{offline.AccountID}, b["allowedAccountIds"])
					assert.NotContains(t, a, "allowedAccountIds", "the account id a dark STS cannot confirm")
					assert.Equal(t, true, a["skipCredentialsValidation"])
					assert.Equal(t, true, a["skipRequestingAccountId"])
					assert.Equal(t, false, a["skipMetadataApiCheck"], "the metadata API is the host's, not the region's: instance-role credentials keep working")
					assert.NotContains(t, b, "stsRegion", "normally STS is the provider's own region")
					assert.Equal(t, tc.survivor, a["stsRegion"], "assumed-role credentials go to the surviving region's STS")
					assert.NotEqual(t, tc.dark, a["stsRegion"])
					for _, k := range []string{"allowedAccountIds", "skipCredentialsValidation", "skipRequestingAccountId", "skipMetadataApiCheck", "stsRegion"} {
						delete(a, k)
						delete(b, k)
					}
					assert.Equal(t, b, a, "nothing else of the provider changes")
					continue
				}
				assert.Equal(t, before, after, "%s does not change", urn)
			}
		})
	}
}
