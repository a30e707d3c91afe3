package targets

import (
	"bytes"
	"os"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// A small recording stands in for the program here; the whole-program check lives in the root
// package (targets_test.go there), which can run the real program.
func res(typ, name, region string, inputs map[string]any, outputs map[string]any) *offline.Resource {
	r := &offline.Resource{Type: typ, Name: name, Region: region, Custom: true,
		URN: "urn:pulumi:prod::multi-region-ha::" + typ + "::" + name}
	r.Inputs = propertyMap(inputs)
	r.Outputs = propertyMap(outputs)
	return r
}

func fixture() []*offline.Resource {
	viewer := "arn:aws:acm:us-east-1:123456789012:certificate/viewer"
	acl := "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1"
	return []*offline.Resource{
		res("aws:ec2/vpc:Vpc", "vpc-east", "us-east-1", nil, nil),
		res("aws:ec2/vpc:Vpc", "vpc-west", "us-west-2", nil, nil),
		res("aws:iam/role:Role", "role-east", "us-east-1", nil, nil),
		res("aws:route53/record:Record", "record", "us-east-1", nil, nil),
		res("aws:route53/healthCheck:HealthCheck", "hc", "us-east-1", nil, nil),
		res("aws:budgets/budget:Budget", "budget", "us-east-1", nil, nil),
		res("aws:cloudfront/distribution:Distribution", "cdn", "us-east-1", map[string]any{"viewerCertificate": map[string]any{"acmCertificateArn": viewer}}, nil),
		res("aws:acm/certificate:Certificate", "viewer", "us-east-1", nil, map[string]any{"arn": viewer}),
		res("aws:acm/certificateValidation:CertificateValidation", "viewer-validation", "us-east-1", map[string]any{"certificateArn": viewer}, nil),
		res("aws:acm/certificate:Certificate", "regional-east", "us-east-1", nil, map[string]any{"arn": "arn:aws:acm:us-east-1:123456789012:certificate/regional"}),
		res("aws:wafv2/webAcl:WebAcl", "edge-waf", "us-east-1", map[string]any{"scope": "CLOUDFRONT"}, map[string]any{"arn": acl}),
		res("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "edge-waf-logging", "us-east-1", map[string]any{"resourceArn": acl}, nil),
		res("aws:wafv2/webAcl:WebAcl", "regional-waf", "us-east-1", map[string]any{"scope": "REGIONAL"}, nil),
		res("random:index/randomPassword:RandomPassword", "secret", "", nil, nil),
		{Type: "pulumi:providers:aws", Name: "aws-us-east-1", Region: "us-east-1", Custom: true, URN: "provider-east"},
		{Type: "multi-region-ha:compute:Compute", Name: "compute-us-east-1", URN: "component"},
		res("aws:iam/role:Role", "role-west", "us-west-2", nil, nil),
		{Type: "pulumi:providers:aws", Name: "aws-us-west-2", Region: "us-west-2", Custom: true, URN: "provider-west"},
	}
}

func TestSelectWithUsEast1UpTakesTheGlobalServices(t *testing.T) {
	rs := fixture()
	east := Select(rs, "us-east-1", []string{"us-west-2"})
	var want []string
	for i := 0; i <= 12; i++ {
		if i != 1 {
			want = append(want, rs[i].URN)
		}
	}
	want = append(want, "provider-east")
	assert.ElementsMatch(t, want, east.Targets, "everything of us-east-1: its regional resources and IAM, Route 53, CloudFront, Budgets, the viewer certificate and the CLOUDFRONT WebACL")
	reasons := map[string]string{}
	for _, s := range east.Excluded {
		reasons[s.URN] = s.Reason
	}
	assert.Equal(t, map[string]string{rs[1].URN: ReasonOtherRegion, rs[13].URN: ReasonNoRegion, rs[16].URN: ReasonOtherRegion}, reasons,
		"only the dark region's resources (its IAM role on the dark provider included) and what is not AWS")
	assert.Empty(t, east.GlobalLeftOut)
}

func TestSelectWithUsEast1DarkLeavesOutTheGlobalServicesAndSaysWhich(t *testing.T) {
	rs := fixture()
	west := Select(rs, "us-west-2", []string{"us-east-1"})
	assert.ElementsMatch(t, []string{rs[1].URN, "provider-west"}, west.Targets, "nothing of the dark region (its provider included) or of the global control planes")
	reasons := map[string]string{}
	for _, s := range west.Excluded {
		reasons[s.URN] = s.Reason
	}
	assert.Len(t, reasons, 14, "every other custom resource is accounted for")
	assert.Equal(t, ReasonOtherRegion, reasons[rs[0].URN])
	assert.Equal(t, ReasonIAM, reasons[rs[2].URN])
	assert.Equal(t, ReasonIAM, reasons[rs[16].URN], "the surviving region's own role is IAM, controlled from us-east-1")
	for _, i := range []int{3, 4, 5, 6} {
		assert.Equal(t, ReasonGlobal, reasons[rs[i].URN], rs[i].Name)
	}
	for _, i := range []int{7, 8} {
		assert.Contains(t, reasons[rs[i].URN], "CloudFront's viewer certificate", rs[i].Name)
	}
	for _, i := range []int{10, 11} {
		assert.Contains(t, reasons[rs[i].URN], "WAF of CLOUDFRONT scope", rs[i].Name)
	}
	assert.Equal(t, ReasonOtherRegion, reasons[rs[12].URN], "a REGIONAL WebACL of the dark region")
	assert.Equal(t, ReasonNoRegion, reasons[rs[13].URN])
	assert.Equal(t, []string{ServiceBudgets, ServiceCloudFront, ServiceViewerCert, ServiceIAM, ServiceRoute53, ServiceCloudFrontW}, west.GlobalLeftOut)
}

func TestMainRefusesBadFlags(t *testing.T) {
	program := func(*pulumi.Context) error { return nil }
	for _, args := range [][]string{
		{},
		{"--stack", "prod"},
		{"--region", "us-east-1"},
		{"--stack", "prod", "--region", "us-east-1", "--mode", "all"},
		{"--stack", "prod", "--region", "us-east-1", "--format", "yaml"},
		{"--stack", "prod", "--region", "us-east-1", "extra"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, ExitUsage, Main(args, program, &out, &errOut), "%v", args)
		assert.Empty(t, out.String(), "%v", args)
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, ExitOK, Main([]string{"--help"}, program, &out, &errOut))
	assert.Contains(t, out.String(), "usage: go run . targets --stack S --region R")
	assert.Contains(t, out.String(), "Never selects a resource of the dark region")
}

// The outage runbook names the engine versions its targeted update relies on, the same ones the
// command prints.
func TestOutageRunbookNamesTheMinimumPulumiCLI(t *testing.T) {
	doc, err := os.ReadFile("../../docs/failover.md")
	require.NoError(t, err)
	assert.Contains(t, string(doc), "Pulumi CLI "+MinimumPulumiCLI+" or later")
	assert.Contains(t, string(doc), "below **"+MinimumRunProgramCLI+"**")
	assert.Contains(t, string(doc), "**Pass `--refresh`**")
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "--refresh $(cat targets.txt)")
	assert.Contains(t, string(readme), "Pulumi CLI "+MinimumPulumiCLI+"+")

}
