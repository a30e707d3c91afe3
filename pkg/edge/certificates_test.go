package edge

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	certType       = "aws:acm/certificate:Certificate"
	validationType = "aws:acm/certificateValidation:CertificateValidation"
	recordType     = "aws:route53/record:Record"
	zoneType       = "aws:route53/zone:Zone"
	getZone        = "aws:route53/getZone:getZone"
)

// testZoneId is the hosted zone the tests pin.
const testZoneId = "Z0EDGETEST0001"

func certArgs(regions ...string) *CertificatesArgs {
	return &CertificatesArgs{DomainName: "example.com", Names: testNames, Regions: regions, HostedZoneId: testZoneId}
}

// runCertificates builds Certificates for args (providers filled in) and captures its outputs.
func runCertificates(t *testing.T, args *CertificatesArgs) (*offline.Mocks, *captured) {
	t.Helper()
	out := &captured{}
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		ps, err := providers(ctx, args.Regions...)
		if err != nil {
			return err
		}
		args.RegionalProviders = ps
		args.EdgeProvider = ps[edgeRegion]
		c, err := NewCertificates(ctx, "certificates", args)
		if err != nil {
			return err
		}
		out.capture(ctx, "zoneId", c.ZoneId)
		out.capture(ctx, "nameServers", c.NameServers)
		out.capture(ctx, "viewer", c.ViewerCertificateArn)
		out.capture(ctx, "regional", c.RegionalCertificateArns)
		return nil
	})
	return m, out
}

func TestCertificatesRegionsAndNames(t *testing.T) {
	for _, regions := range [][]string{{regionA, regionB}, {edgeRegion, "us-west-2"}} {
		t.Run(regions[0], func(t *testing.T) {
			m, _ := runCertificates(t, certArgs(regions...))
			certs := m.OfType(certType)
			require.Len(t, certs, 3)
			want := map[string]struct {
				region, domain string
				sans           []string
			}{
				"certificates-viewer":        {edgeRegion, "app.example.com", nil},
				"certificates-" + regions[0]: {regions[0], "origin.app.example.com", []string{regions[0] + ".origin.app.example.com"}},
				"certificates-" + regions[1]: {regions[1], "origin.app.example.com", []string{regions[1] + ".origin.app.example.com"}},
			}
			for name, w := range want {
				c := m.Named(certType, name)
				require.NotNil(t, c, name)
				assert.Equal(t, w.region, c.Region, name)
				assert.Equal(t, w.domain, c.Str("domainName"), name)
				assert.Equal(t, w.sans, c.Strings("subjectAlternativeNames"), name)
				assert.Equal(t, "RSA_2048", c.Str("keyAlgorithm"), name)
				assert.Equal(t, "DNS", c.Str("validationMethod"), name)
			}
		})
	}
}

func TestOneValidationRecordPerDistinctName(t *testing.T) {
	m, _ := runCertificates(t, certArgs(regionA, regionB))
	records := m.OfType(recordType)
	// viewer, failover origin (shared by both regional certificates), one per region.
	require.Len(t, records, 4)
	seen := map[string]bool{}
	for _, r := range records {
		assert.False(t, seen[r.Str("name")], "two records named %s", r.Str("name"))
		seen[r.Str("name")] = true
		assert.Equal(t, edgeRegion, r.Region, "Route 53 records go through the edge provider")
		assert.Equal(t, "CNAME", r.Str("type"))
		assert.Equal(t, testZoneId, r.Str("zoneId"))
		assert.Len(t, r.Strings("records"), 1)
		assert.Equal(t, 60.0, r.Num("ttl"))
		assert.True(t, r.Bool("allowOverwrite"), "%s takes over an identical record an earlier certificate left", r.Name)
	}
	// Each record carries exactly the name and value ACM asked for.
	for _, c := range m.OfType(certType) {
		for _, o := range c.Outputs["domainValidationOptions"].ArrayValue() {
			opt := o.ObjectValue()
			name := opt["resourceRecordName"].StringValue()
			require.True(t, seen[name], "no record for %s", opt["domainName"].StringValue())
			for _, r := range records {
				if r.Str("name") == name {
					assert.Equal(t, []string{opt["resourceRecordValue"].StringValue()}, r.Strings("records"))
				}
			}
		}
	}
	origin := m.Named(recordType, "certificates-validation-origin")
	require.NotNil(t, origin)

	validations := m.OfType(validationType)
	require.Len(t, validations, 3)
	for _, v := range validations {
		cert := m.Named(certType, v.Name[:len(v.Name)-len("-validation")])
		require.NotNil(t, cert, v.Name)
		assert.Equal(t, cert.Region, v.Region, "validation waits in the certificate's region")
		assert.Equal(t, cert.Outputs["arn"].StringValue(), v.Str("certificateArn"))
		fqdns := v.Strings("validationRecordFqdns")
		assert.Len(t, fqdns, 1+cert.Len("subjectAlternativeNames"), v.Name)
		if v.Name != "certificates-viewer-validation" {
			assert.Contains(t, fqdns, origin.Str("name"), "%s lists the shared origin record", v.Name)
			assert.True(t, v.DependsOn(origin), "%s waits for the shared record", v.Name)
		}
	}
}

func TestCertificateOutputsAreValidatedArns(t *testing.T) {
	m, out := runCertificates(t, certArgs(regionA, regionB))
	regional := out.get(t, "regional").(map[string]string)
	assert.Equal(t, map[string]string{
		regionA: m.Named(certType, "certificates-"+regionA).Outputs["arn"].StringValue(),
		regionB: m.Named(certType, "certificates-"+regionB).Outputs["arn"].StringValue(),
	}, regional)
	assert.Equal(t, m.Named(certType, "certificates-viewer").Outputs["arn"].StringValue(), out.get(t, "viewer"))
	assert.Equal(t, testZoneId, out.get(t, "zoneId"))
}

func TestHostedZonePinnedOrCreated(t *testing.T) {
	m, out := runCertificates(t, certArgs(regionA, regionB))
	assert.Empty(t, m.OfType(zoneType))
	assert.Empty(t, m.Invokes(), "the pinned zone is never looked up")
	assert.Equal(t, testZoneId, out.get(t, "zoneId"))

	for _, protect := range []bool{true, false} {
		args := certArgs(regionA, regionB)
		args.CreateHostedZone, args.Protect = true, protect
		m, out := runCertificates(t, args)
		zone := only(t, m, zoneType)
		assert.Equal(t, "example.com", zone.Str("name"))
		assert.Equal(t, edgeRegion, zone.Region)
		assert.Equal(t, protect, zone.Protect)
		assert.Equal(t, zone.Outputs["zoneId"].StringValue(), out.get(t, "zoneId"))
		assert.Len(t, out.get(t, "nameServers"), 4)
		for _, r := range m.OfType(recordType) {
			assert.Equal(t, zone.Outputs["zoneId"].StringValue(), r.Str("zoneId"))
		}
		assert.Empty(t, m.Invokes())
	}
}

func TestCertificatesArgsRejected(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*CertificatesArgs)
		want   string
	}{
		{"nil", nil, "args are required"},
		{"one region", func(a *CertificatesArgs) { a.Regions = a.Regions[:1] }, "two distinct regions"},
		{"names of another domain", func(a *CertificatesArgs) { a.Names = NewNames("app", "example.org") }, "not DomainName"},
		{"missing provider", func(a *CertificatesArgs) { delete(a.RegionalProviders, regionB) }, "no provider for eu-central-1"},
		{"no edge provider", func(a *CertificatesArgs) { a.EdgeProvider = nil }, "EdgeProvider"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
				ps, err := providers(ctx, regionA, regionB)
				if err != nil {
					return err
				}
				var args *CertificatesArgs
				if tc.mutate != nil {
					args = certArgs(regionA, regionB)
					args.RegionalProviders, args.EdgeProvider = ps, ps[edgeRegion]
					tc.mutate(args)
				}
				_, err = NewCertificates(ctx, "certificates", args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
