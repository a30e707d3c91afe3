package awsenv

// Names of the AWS-managed prefix lists the ALB admits. AWS publishes these names, not their ids;
// the ids differ per region (but not per account), hence the tables below.
const (
	CloudFrontOriginFacing = "com.amazonaws.global.cloudfront.origin-facing"
)

// Route53HealthChecks is the name of the Route 53 health checkers' IPv4 prefix list in region.
func Route53HealthChecks(region string) string {
	return "com.amazonaws." + region + ".route53-healthchecks"
}

// cloudFrontPrefixLists are the ids of com.amazonaws.global.cloudfront.origin-facing per region.
// Confirmed by two independent public sources that agree on every entry (an AWS workshop CDK stack
// and a troposphere CloudFormation mapping, both read with DescribeManagedPrefixLists), and by
// several single-region examples (us-east-1 pl-3b927c52, us-west-2 pl-82a045eb). Regions without
// two agreeing sources are left out: set compute.cloudFrontPrefixListIds.<region> (`go run . pin`).
var cloudFrontPrefixLists = map[string]string{
	"ap-northeast-1": "pl-58a04531", "ap-northeast-2": "pl-22a6434b", "ap-south-1": "pl-9aa247f3",
	"ap-southeast-1": "pl-31a34658", "ap-southeast-2": "pl-b8a742d1", "ca-central-1": "pl-38a64351",
	"eu-central-1": "pl-a3a144ca", "eu-north-1": "pl-fab65393", "eu-west-1": "pl-4fa04526",
	"eu-west-2": "pl-93a247fa", "eu-west-3": "pl-75b1541c", "sa-east-1": "pl-5da64334",
	"us-east-1": "pl-3b927c52", "us-east-2": "pl-b6a144df", "us-west-1": "pl-4ea04527",
	"us-west-2": "pl-82a045eb",
}

// healthCheckPrefixLists are the ids of com.amazonaws.<region>.route53-healthchecks. Only one id is
// published where we could find it (ap-southeast-2, in the CloudFormation Starter Kit's docs);
// every other region needs compute.healthCheckPrefixListIds.<region> (`go run . pin` reads it).
var healthCheckPrefixLists = map[string]string{
	"ap-southeast-2": "pl-08c8dbfdeb99a899b",
}

// CloudFrontPrefixList returns the known id of CloudFront's origin-facing prefix list in region.
func CloudFrontPrefixList(region string) (string, bool) {
	id, ok := cloudFrontPrefixLists[region]
	return id, ok
}

// HealthCheckPrefixList returns the known id of the Route 53 health checkers' prefix list in region.
func HealthCheckPrefixList(region string) (string, bool) {
	id, ok := healthCheckPrefixLists[region]
	return id, ok
}
