package pin

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// fakeAccount answers like an account with zones, images, prefix lists and two zones of one name
// (a public and a private one).
type fakeAccount struct {
	account string
	stsErr  error // what STS answers instead of the account
	calls   []string
}

type fakeEC2 struct {
	f      *fakeAccount
	region string
}

func (e fakeEC2) DescribeAvailabilityZones(_ context.Context, in *ec2.DescribeAvailabilityZonesInput, _ ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	e.f.calls = append(e.f.calls, "ec2:DescribeAvailabilityZones "+e.region)
	names := map[string]bool{}
	for _, f := range in.Filters {
		names[aws.ToString(f.Name)+"="+strings.Join(f.Values, ",")] = true
	}
	if !names["state=available"] || !names["opt-in-status=opt-in-not-required"] {
		return nil, errors.New("unfiltered zone lookup")
	}
	var zones []ec2types.AvailabilityZone
	for _, s := range []string{"d", "b", "a", "c"} { // AWS's order is not a contract
		zones = append(zones, ec2types.AvailabilityZone{ZoneName: aws.String(e.region + s), ZoneType: aws.String("availability-zone")})
	}
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: zones}, nil
}

func (e fakeEC2) DescribeManagedPrefixLists(_ context.Context, in *ec2.DescribeManagedPrefixListsInput, _ ...func(*ec2.Options)) (*ec2.DescribeManagedPrefixListsOutput, error) {
	name := in.Filters[0].Values[0]
	e.f.calls = append(e.f.calls, "ec2:DescribeManagedPrefixLists "+e.region+" "+name)
	id := map[string]string{
		"com.amazonaws.global.cloudfront.origin-facing":       "pl-0c" + strings.Repeat("1", 15),
		"com.amazonaws." + e.region + ".route53-healthchecks": "pl-0d" + strings.Repeat(map[string]string{"us-east-1": "2", "us-west-2": "3"}[e.region], 15),
	}[name]
	return &ec2.DescribeManagedPrefixListsOutput{PrefixLists: []ec2types.ManagedPrefixList{
		{PrefixListName: aws.String(name), PrefixListId: aws.String("pl-0customer0000000"), OwnerId: aws.String("111122223333")},
		{PrefixListName: aws.String(name), PrefixListId: aws.String(id), OwnerId: aws.String("AWS")},
	}}, nil
}

type fakeSSM struct {
	f      *fakeAccount
	region string
}

func (s fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	s.f.calls = append(s.f.calls, "ssm:GetParameter "+s.region+" "+aws.ToString(in.Name))
	ami := map[string]string{"us-east-1": "ami-0aaaaaaaaaaaaaaa1", "us-west-2": "ami-0bbbbbbbbbbbbbbb2"}[s.region]
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Value: aws.String(ami)}}, nil
}

type fakeRoute53 struct{ f *fakeAccount }

func (r fakeRoute53) ListHostedZonesByName(_ context.Context, in *route53.ListHostedZonesByNameInput, _ ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error) {
	r.f.calls = append(r.f.calls, "route53:ListHostedZonesByName "+aws.ToString(in.DNSName))
	return &route53.ListHostedZonesByNameOutput{HostedZones: []r53types.HostedZone{
		{Id: aws.String("/hostedzone/ZPRIVATE1"), Name: aws.String("example.com."), Config: &r53types.HostedZoneConfig{PrivateZone: true}},
		{Id: aws.String("/hostedzone/ZPUBLIC0123"), Name: aws.String("example.com."), Config: &r53types.HostedZoneConfig{}},
		{Id: aws.String("/hostedzone/ZOTHER"), Name: aws.String("example.com.au."), Config: &r53types.HostedZoneConfig{}},
	}}, nil
}

type fakeSTS struct{ f *fakeAccount }

func (s fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	s.f.calls = append(s.f.calls, "sts:GetCallerIdentity")
	if s.f.stsErr != nil {
		return nil, s.f.stsErr
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String(s.f.account)}, nil
}

func (f *fakeAccount) EC2(region string) EC2 { return fakeEC2{f, region} }
func (f *fakeAccount) SSM(region string) SSM { return fakeSSM{f, region} }
func (f *fakeAccount) Route53() Route53      { return fakeRoute53{f} }
func (f *fakeAccount) STS() STS              { return fakeSTS{f} }

// project copies Pulumi.yaml and a stack file into a temporary project directory.
func project(t *testing.T, stack, content string) string {
	t.Helper()
	dir := t.TempDir()
	p, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), p, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(content), 0o644))
	return dir
}

// unpinned is a stack file as a new operator writes it: regions, network, domain, a comment.
const unpinned = `config:
  # Every resource names its provider explicitly.
  pulumi:disable-default-providers:
    - "*"
  multi-region-ha:environment: prod
  multi-region-ha:network:
    natGateways: perAz # one per AZ
    primary:
      cidr: 10.0.0.0/16
  multi-region-ha:edge:
    domainName: example.com
  multi-region-ha:tags:
    CostCenter: platform
`

func withFake(t *testing.T, f *fakeAccount) {
	previous := NewClientsFunc
	NewClientsFunc = func(context.Context, string) (Clients, error) { return f, nil }
	t.Cleanup(func() { NewClientsFunc = previous })
}

// leaves flattens a YAML document into dotted paths and scalar values.
func leaves(t *testing.T, doc []byte) map[string]string {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(doc, &v))
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(prefix+"/"+k, e)
			}
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = strings.TrimSpace(strings.ReplaceAll(yamlString(e), "\n", ""))
			}
			out[prefix] = "[" + strings.Join(parts, ",") + "]"
		default:
			out[prefix] = yamlString(x)
		}
	}
	walk("", v)
	return out
}

func yamlString(v any) string { b, _ := yaml.Marshal(v); return strings.TrimSpace(string(b)) }

func changed(before, after map[string]string) []string {
	var keys []string
	for k, v := range after {
		if before[k] != v {
			keys = append(keys, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			keys = append(keys, k+" (removed)")
		}
	}
	sort.Strings(keys)
	return keys
}

func TestPinWritesExactlyThePinnedKeys(t *testing.T) {
	f := &fakeAccount{account: "210987654321"}
	withFake(t, f)
	dir := project(t, "prod", unpinned)
	var out, errOut bytes.Buffer
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir}, &out, &errOut), errOut.String())
	after, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err)

	assert.Equal(t, []string{
		"/config/multi-region-ha:accountId",
		"/config/multi-region-ha:compute/amiIds/us-east-1",
		"/config/multi-region-ha:compute/amiIds/us-west-2",
		"/config/multi-region-ha:compute/cloudFrontPrefixListIds/us-east-1",
		"/config/multi-region-ha:compute/cloudFrontPrefixListIds/us-west-2",
		"/config/multi-region-ha:compute/healthCheckPrefixListIds/us-east-1",
		"/config/multi-region-ha:compute/healthCheckPrefixListIds/us-west-2",
		"/config/multi-region-ha:edge/hostedZoneId",
		"/config/multi-region-ha:network/primary/azs",
		"/config/multi-region-ha:network/secondary/azs",
	}, changed(leaves(t, []byte(unpinned)), leaves(t, after)))
	s := string(after)
	assert.Contains(t, s, "# Every resource names its provider explicitly.", "comments stay")
	assert.Contains(t, s, "natGateways: perAz # one per AZ")
	assert.Contains(t, s, `multi-region-ha:accountId: "210987654321"`, "quoted: an account id is text")
	assert.Contains(t, s, "azs: [us-east-1a, us-east-1b, us-east-1c]", "the first azCount zones, sorted")
	assert.Contains(t, s, "hostedZoneId: ZPUBLIC0123", "the public zone of exactly that name")
	assert.Contains(t, out.String(), `+   multi-region-ha:accountId: "210987654321"`, "the diff is shown")
	assert.Contains(t, errOut.String(), "pin: wrote")

	// The pinned stack is a valid one: every required value is there.
	raw, err := offline.StackConfig(dir, "prod")
	require.NoError(t, err)
	values := map[string]string{}
	for k, v := range raw {
		if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
			values[name] = v
		}
	}
	cfg, err := stacks.Parse("prod", values, nil)
	require.NoError(t, err)
	assert.Equal(t, "210987654321", cfg.AccountId)
	assert.Equal(t, "ami-0bbbbbbbbbbbbbbb2", cfg.AmiId("us-west-2"))
	assert.Equal(t, "pl-0d333333333333333", cfg.PrefixLists("us-west-2").HealthCheck)
	assert.Contains(t, f.calls, "ssm:GetParameter us-east-1 "+stacks.AmiAl2023X86, "the instance type's Amazon Linux 2023")

	// Pinning again changes nothing.
	out.Reset()
	errOut.Reset()
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir}, &out, &errOut))
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), "already pins these values")
}

func TestPinImagesRefreshesOnlyTheImages(t *testing.T) {
	committed, err := os.ReadFile("../../Pulumi.prod.yaml")
	require.NoError(t, err)
	f := &fakeAccount{account: "123456789012"}
	withFake(t, f)
	dir := project(t, "prod", string(committed))
	var out, errOut bytes.Buffer
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir, "--images"}, &out, &errOut), errOut.String())
	after, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	assert.Equal(t, []string{"/config/multi-region-ha:compute/amiIds/us-east-1", "/config/multi-region-ha:compute/amiIds/us-west-2"},
		changed(leaves(t, committed), leaves(t, after)))
	for _, c := range f.calls {
		assert.True(t, strings.HasPrefix(c, "ssm:GetParameter") || c == "sts:GetCallerIdentity", "--images reads only the images (after the credentials check): %s", c)
	}
	assert.Contains(t, string(after), "# Static stability: the program looks nothing up at deploy time.", "comments stay")

	// --dry-run shows the same diff and writes nothing.
	dir = project(t, "prod", string(committed))
	out.Reset()
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir, "--images", "--dry-run"}, &out, &errOut))
	assert.Contains(t, out.String(), "+       us-east-1: ami-0aaaaaaaaaaaaaaa1")
	unchanged, _ := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	assert.Equal(t, committed, unchanged)
}

func TestPinRefusesAnotherAccountsStack(t *testing.T) {
	committed, err := os.ReadFile("../../Pulumi.prod.yaml")
	require.NoError(t, err)
	withFake(t, &fakeAccount{account: "999999999999"})
	dir := project(t, "prod", string(committed))
	var out, errOut bytes.Buffer
	assert.Equal(t, ExitFailed, Main([]string{"--stack", "prod", "--dir", dir}, &out, &errOut))
	assert.Contains(t, errOut.String(), "credentials are of account 999999999999")
	unchanged, _ := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	assert.Equal(t, committed, unchanged)

	assert.Equal(t, ExitUsage, Main(nil, &out, &errOut), "--stack is required")
	assert.Equal(t, ExitOK, Main([]string{"--help"}, &out, &errOut))
}

func TestDiffShowsTheKeyAboveEachChange(t *testing.T) {
	var out bytes.Buffer
	assert.False(t, Diff(&out, "f", []byte("a: 1\nb: 2\n"), []byte("a: 1\nb: 2\n")))
	assert.Empty(t, out.String())
	assert.True(t, Diff(&out, "f", []byte("a:\n  x: 1\nb:\n  y: 2\n"), []byte("a:\n  x: 3\nb:\n  y: 2\n")))
	assert.Equal(t, "--- f\n+++ f (pinned)\n  a:\n+   x: 3\n-   x: 1\n", out.String())
}

// darkAccount fails every SSM call to one region, the way a dark region's endpoint does.
type darkAccount struct {
	*fakeAccount
	dark string
}

type failingSSM struct{ f *fakeAccount }

func (s failingSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	s.f.calls = append(s.f.calls, "ssm:GetParameter DARK "+aws.ToString(in.Name))
	return nil, errors.New("dial tcp: i/o timeout")
}

func (d *darkAccount) SSM(region string) SSM {
	if region == d.dark {
		return failingSSM{d.fakeAccount}
	}
	return d.fakeAccount.SSM(region)
}

func TestPinSkipsTheUnavailableRegionAndTakesOneRegion(t *testing.T) {
	committed, err := os.ReadFile("../../Pulumi.prod.yaml")
	require.NoError(t, err)
	withDark := strings.Replace(string(committed), "config:\n", "config:\n  multi-region-ha:unavailableRegion: us-east-1\n", 1)
	require.NotEqual(t, string(committed), withDark)

	f := &darkAccount{&fakeAccount{account: "123456789012"}, "us-east-1"}
	var home []string
	previous := NewClientsFunc
	NewClientsFunc = func(_ context.Context, region string) (Clients, error) { home = append(home, region); return f, nil }
	t.Cleanup(func() { NewClientsFunc = previous })

	// During the outage: --images reads only the surviving region and keeps the dark one's image.
	dir := project(t, "prod", withDark)
	var out, errOut bytes.Buffer
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir, "--images"}, &out, &errOut), errOut.String())
	after, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	assert.Equal(t, []string{"/config/multi-region-ha:compute/amiIds/us-west-2"}, changed(leaves(t, []byte(withDark)), leaves(t, after)))
	assert.Equal(t, "ami-0a1b2c3d4e5f60718", leaves(t, after)["/config/multi-region-ha:compute/amiIds/us-east-1"], "the dark region's image stays")
	assert.Contains(t, errOut.String(), "us-east-1 is the stack's unavailableRegion: not calling it")
	for _, c := range f.calls {
		assert.NotContains(t, c, "DARK", "never calls the dark region")
		assert.NotContains(t, c, "us-east-1", "never calls the dark region")
	}
	assert.Equal(t, []string{"us-west-2"}, home, "the global clients are configured in the surviving region")

	// The full pin during the outage: nothing of us-east-1 (not even Route 53's control plane).
	f.calls = nil
	dir = project(t, "prod", withDark)
	errOut.Reset()
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir}, &out, &errOut), errOut.String())
	for _, c := range f.calls {
		assert.NotContains(t, c, "us-east-1", c)
		assert.NotContains(t, c, "route53:", "Route 53's control plane is in us-east-1")
	}
	assert.Contains(t, errOut.String(), "edge.hostedZoneId stays as it is")

	// --region R refreshes that region only.
	f.calls = nil
	dir = project(t, "prod", string(committed))
	errOut.Reset()
	require.Equal(t, ExitOK, Main([]string{"--stack", "prod", "--dir", dir, "--images", "--region", "us-west-2"}, &out, &errOut), errOut.String())
	after, err = os.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	assert.Equal(t, []string{"/config/multi-region-ha:compute/amiIds/us-west-2"}, changed(leaves(t, committed), leaves(t, after)))
	assert.Equal(t, []string{"sts:GetCallerIdentity", "ssm:GetParameter us-west-2 " + stacks.AmiAl2023X86}, f.calls, "credentials confirmed first, then that region only")

	// A region of no stack, or the dark one, is a usage error.
	assert.Equal(t, ExitUsage, Main([]string{"--stack", "prod", "--dir", dir, "--region", "eu-west-1"}, &out, &errOut))
	dir = project(t, "prod", withDark)
	errOut.Reset()
	assert.Equal(t, ExitUsage, Main([]string{"--stack", "prod", "--dir", dir, "--region", "us-east-1"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "unavailableRegion")
}
