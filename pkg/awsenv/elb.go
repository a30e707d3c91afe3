package awsenv

// ElbLogDeliveryService is the principal that writes ALB access logs in regions opened in or after
// August 2022, which have no regional Elastic Load Balancing account.
const ElbLogDeliveryService = "logdelivery.elasticloadbalancing.amazonaws.com"

// elbAccounts are the regional Elastic Load Balancing accounts AWS documents for the regions
// available before August 2022 ("Attach a policy to your S3 bucket", ALB user guide). The bucket
// policy names that account there. Regions not listed use ElbLogDeliveryService.
var elbAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-south-1": "718504428378",
	"ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331",
	"ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-southeast-3": "589379963580",
	"ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806",
	"eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-south-1": "635631232127",
	"eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
	"us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
	"cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
}

// ElbAccount returns the regional Elastic Load Balancing account of region, and false for regions
// whose ALB access logs are written by ElbLogDeliveryService.
func ElbAccount(region string) (string, bool) {
	id, ok := elbAccounts[region]
	return id, ok
}
