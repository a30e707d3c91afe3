package awsenv

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPartitionFollowsTheRegion(t *testing.T) {
	for _, tc := range []struct{ region, partition, suffix string }{
		{"us-east-1", "aws", "amazonaws.com"},
		{"eu-central-2", "aws", "amazonaws.com"},
		{"ap-southeast-7", "aws", "amazonaws.com"},
		{"us-gov-west-1", "aws-us-gov", "amazonaws.com"},
		{"us-gov-east-1", "aws-us-gov", "amazonaws.com"},
		{"cn-north-1", "aws-cn", "amazonaws.com.cn"},
		{"cn-northwest-1", "aws-cn", "amazonaws.com.cn"},
	} {
		p, s := Partition(tc.region)
		assert.Equal(t, tc.partition, p, tc.region)
		assert.Equal(t, tc.suffix, s, tc.region)
	}
	assert.Equal(t, "logs.cn-north-1.amazonaws.com.cn", ServicePrincipal("logs", "cn-north-1"))
	assert.Equal(t, "arn:aws-us-gov:iam::111122223333:root", AccountIn("111122223333", "us-gov-west-1").RootArn())
	assert.Equal(t, "arn:aws:logs:eu-west-1:111122223333:log-group:*", AccountIn("111122223333", "eu-west-1").Arn("logs", "log-group:*"))
}

func TestElbAccountTable(t *testing.T) {
	twelve := regexp.MustCompile(`^[0-9]{12}$`)
	for region, id := range elbAccounts {
		assert.Regexp(t, twelve, id, region)
	}
	// Every entry AWS documents (ALB user guide, "Attach a policy to your S3 bucket"), transcribed
	// independently of the table.
	for region, want := range map[string]string{
		"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
		"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
		"ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450",
		"ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864", "ca-central-1": "985666609251",
		"eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127",
		"eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
		"us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
	} {
		got, ok := ElbAccount(region)
		assert.True(t, ok, region)
		assert.Equal(t, want, got, region)
	}
	// Regions opened from August 2022 on have no ELB account: the service principal writes.
	for _, region := range []string{"eu-central-2", "eu-south-2", "ap-south-2", "ap-southeast-4", "ap-southeast-5",
		"ap-southeast-7", "ap-east-2", "il-central-1", "me-central-1", "ca-west-1", "mx-central-1"} {
		_, ok := ElbAccount(region)
		assert.False(t, ok, region)
	}
	assert.Len(t, elbAccounts, 26)
}

func TestPrefixListTables(t *testing.T) {
	form := regexp.MustCompile(`^pl-([0-9a-f]{8}|[0-9a-f]{17})$`)
	seen := map[string]string{}
	for region, id := range cloudFrontPrefixLists {
		assert.Regexp(t, form, id, region)
		assert.Empty(t, seen[id], "%s and %s share %s", region, seen[id], id)
		seen[id] = region
	}
	for region, id := range healthCheckPrefixLists {
		assert.Regexp(t, form, id, region)
	}
	for region, want := range map[string]string{
		"us-east-1": "pl-3b927c52", "us-west-2": "pl-82a045eb", "us-east-2": "pl-b6a144df", "us-west-1": "pl-4ea04527",
		"eu-west-1": "pl-4fa04526", "eu-central-1": "pl-a3a144ca", "ap-southeast-2": "pl-b8a742d1",
		"ap-northeast-1": "pl-58a04531", "ap-northeast-2": "pl-22a6434b", "ap-south-1": "pl-9aa247f3",
		"ap-southeast-1": "pl-31a34658", "ca-central-1": "pl-38a64351", "eu-north-1": "pl-fab65393",
		"eu-west-2": "pl-93a247fa", "eu-west-3": "pl-75b1541c", "sa-east-1": "pl-5da64334",
	} {
		got, ok := CloudFrontPrefixList(region)
		assert.True(t, ok, region)
		assert.Equal(t, want, got, region)
	}
	assert.Len(t, cloudFrontPrefixLists, 16, "a new entry needs a test and a source")
	_, ok := CloudFrontPrefixList("eu-central-2")
	assert.False(t, ok, "regions without a confirmed id are left out, never guessed")

	got, ok := HealthCheckPrefixList("ap-southeast-2")
	assert.True(t, ok)
	assert.Equal(t, "pl-08c8dbfdeb99a899b", got)
	_, ok = HealthCheckPrefixList("us-east-1")
	assert.False(t, ok)
	assert.Len(t, healthCheckPrefixLists, 1)
	assert.Equal(t, "com.amazonaws.eu-west-1.route53-healthchecks", Route53HealthChecks("eu-west-1"))
}
