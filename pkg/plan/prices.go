package plan

// PriceTable holds list prices in USD per unit, per region (and Global for CloudFront, Route 53 and
// CLOUDFRONT-scope WAF), keyed by the item names below.
type PriceTable struct {
	Source  string
	Date    string
	Regions map[string]map[string]float64
}

// Price returns the price of key in region and whether the table has it.
func (t PriceTable) Price(region, key string) (float64, bool) {
	p, ok := t.Regions[region][key]
	return p, ok
}

// Price keys. Per-type keys are "ec2.<instance type>" (per hour) and "rds.<instance class>" (per hour).
const (
	kNatHour        = "nat.hour"           // NAT gateway, per hour
	kNatGB          = "nat.gb"             // NAT gateway data processed, per GB
	kIPv4Hour       = "ipv4.hour"          // public IPv4 address (Elastic IP, ALB node), per hour
	kAlbHour        = "alb.hour"           // Application Load Balancer, per hour
	kAlbLCU         = "alb.lcu"            // ALB Load Balancer Capacity Unit, per LCU-hour
	kNlbHour        = "nlb.hour"           // Network Load Balancer, per hour
	kGp3GB          = "ebs.gp3.gb"         // EBS gp3, per GB-month
	kGp2GB          = "ebs.gp2.gb"         // EBS gp2, per GB-month
	kEc2Monitoring  = "ec2.monitoring"     // EC2 detailed monitoring, per instance-month (7 metrics)
	kAuroraGB       = "aurora.storage.gb"  // Aurora Standard storage, per GB-month
	kAuroraIO       = "aurora.io.million"  // Aurora Standard I/O, per million requests
	kVpceHour       = "vpce.hour"          // interface VPC endpoint, per AZ-hour
	kKmsKey         = "kms.key"            // customer-managed KMS key, per month
	kAlarm          = "cw.alarm"           // CloudWatch alarm, standard resolution, per metric-month
	kAlarmHighRes   = "cw.alarm.highres"   // CloudWatch alarm, high resolution, per metric-month
	kAlarmComposite = "cw.alarm.composite" // CloudWatch composite alarm, per month
	kDashboard      = "cw.dashboard"       // CloudWatch dashboard, per month
	kLogIngest      = "logs.ingest.gb"     // CloudWatch Logs ingestion (standard), per GB
	kLogStore       = "logs.store.gb"      // CloudWatch Logs storage, per GB-month
	kSecret         = "secret"             // Secrets Manager secret or replica, per month
	kBackupGB       = "backup.gb"          // AWS Backup storage of Aurora snapshots, per GB-month
	kWafACL         = "waf.acl"            // WAF WebACL, per month
	kWafRule        = "waf.rule"           // WAF rule or rule group in a WebACL, per month
	kWafMillion     = "waf.million"        // WAF requests, per million
	kZone           = "r53.zone"           // Route 53 hosted zone, per month
	kHealthCheck    = "r53.hc"             // Route 53 health check (AWS endpoint / CloudWatch alarm), per month
	kHealthOption   = "r53.hc.option"      // Route 53 health check optional feature (HTTPS, string match, fast interval, latency), per month
	kCfGB           = "cf.gb"              // CloudFront data transfer out, first 10 TB, North America/Europe, per GB
	kCfMillion      = "cf.million"         // CloudFront HTTPS requests, North America/Europe, per million
	kLambdaMillion  = "lambda.million"     // Lambda requests, per million
	kLambdaArmGBs   = "lambda.arm.gbs"     // Lambda compute on arm64 (first tier), per GB-second
	kCustomMetric   = "cw.metric"          // CloudWatch custom metric (first 10,000), per metric-month
	kCwAPIThousand  = "cw.api.thousand"    // CloudWatch API requests / GetMetricData metrics, per 1,000
)

// Prices is the embedded price table: AWS public on-demand list prices (Linux, no Savings Plans or
// reserved pricing; the only free tier applied is CloudFront's always-free tier, in the CloudFront
// pricer) for the regions below. Verify before budgeting.
var Prices = PriceTable{
	Source: "AWS public on-demand pricing pages (aws.amazon.com/<service>/pricing), Linux, no discounts, no free tier but CloudFront's always-free tier",
	Date:   "2025-06",
	Regions: map[string]map[string]float64{
		"us-east-1":    usPrices(),
		"us-west-2":    usPrices(),
		"eu-west-1":    euWest1Prices(),
		"eu-central-1": euCentral1Prices(),
		Global: {
			kZone: 0.50, kHealthCheck: 0.50, kHealthOption: 1.00,
			kCfGB: 0.085, kCfMillion: 1.00,
			kWafACL: 5.00, kWafRule: 1.00, kWafMillion: 0.60,
		},
	},
}

// common are the prices that are the same in every region of the table.
func common() map[string]float64 {
	return map[string]float64{
		kIPv4Hour: 0.005, kEc2Monitoring: 2.10, kKmsKey: 1.00,
		kAlarm: 0.10, kAlarmHighRes: 0.30, kAlarmComposite: 0.50, kDashboard: 3.00,
		kSecret: 0.40, kBackupGB: 0.021,
		kWafACL: 5.00, kWafRule: 1.00, kWafMillion: 0.60,
		kLambdaMillion: 0.20, kLambdaArmGBs: 0.0000133334, kCustomMetric: 0.30, kCwAPIThousand: 0.01,
	}
}

func with(base map[string]float64, extra map[string]float64) map[string]float64 {
	for k, v := range extra {
		base[k] = v
	}
	return base
}

// usPrices are us-east-1 (N. Virginia) and us-west-2 (Oregon), which list the same prices for
// everything the program builds.
func usPrices() map[string]float64 {
	return with(common(), map[string]float64{
		kNatHour: 0.045, kNatGB: 0.045, kAlbHour: 0.0225, kAlbLCU: 0.008, kNlbHour: 0.0225,
		kGp3GB: 0.08, kGp2GB: 0.10, kAuroraGB: 0.10, kAuroraIO: 0.20, kVpceHour: 0.01,
		kLogIngest: 0.50, kLogStore: 0.03,
		"ec2.t3.micro": 0.0104, "ec2.t3.small": 0.0208, "ec2.t3.medium": 0.0416, "ec2.t3.large": 0.0832, "ec2.t3.xlarge": 0.1664,
		"ec2.t3a.small": 0.0188, "ec2.t3a.medium": 0.0376, "ec2.t3a.large": 0.0752,
		"ec2.t4g.micro": 0.0084, "ec2.t4g.small": 0.0168, "ec2.t4g.medium": 0.0336, "ec2.t4g.large": 0.0672,
		"ec2.m5.large": 0.096, "ec2.m5.xlarge": 0.192, "ec2.m6i.large": 0.096, "ec2.m6i.xlarge": 0.192,
		"ec2.m6g.large": 0.077, "ec2.m6g.xlarge": 0.154, "ec2.m7i.large": 0.1008, "ec2.m7i.xlarge": 0.2016,
		"ec2.m7g.large": 0.0816, "ec2.m7g.xlarge": 0.1632,
		"ec2.c6i.large": 0.085, "ec2.c6g.large": 0.068, "ec2.c7i.large": 0.08925, "ec2.c7g.large": 0.0725,
		"ec2.r6i.large": 0.126, "ec2.r6g.large": 0.1008, "ec2.r7g.large": 0.1071,
		"rds.db.r5.large": 0.29, "rds.db.r5.xlarge": 0.58, "rds.db.r6g.large": 0.26, "rds.db.r6g.xlarge": 0.519,
		"rds.db.r6g.2xlarge": 1.038, "rds.db.r6i.large": 0.29, "rds.db.r6i.xlarge": 0.58,
		"rds.db.r7g.large": 0.276, "rds.db.r7g.xlarge": 0.553,
	})
}

// euWest1Prices are eu-west-1 (Ireland).
func euWest1Prices() map[string]float64 {
	return with(common(), map[string]float64{
		kNatHour: 0.048, kNatGB: 0.048, kAlbHour: 0.0252, kAlbLCU: 0.008, kNlbHour: 0.0252,
		kGp3GB: 0.088, kGp2GB: 0.11, kAuroraGB: 0.11, kAuroraIO: 0.22, kVpceHour: 0.011,
		kLogIngest: 0.57, kLogStore: 0.03,
		"ec2.t3.micro": 0.0114, "ec2.t3.small": 0.0228, "ec2.t3.medium": 0.0456, "ec2.t3.large": 0.0912, "ec2.t3.xlarge": 0.1824,
		"ec2.t3a.small": 0.0204, "ec2.t3a.medium": 0.0408, "ec2.t3a.large": 0.0816,
		"ec2.t4g.micro": 0.0092, "ec2.t4g.small": 0.0184, "ec2.t4g.medium": 0.0368, "ec2.t4g.large": 0.0736,
		"ec2.m5.large": 0.107, "ec2.m5.xlarge": 0.214, "ec2.m6i.large": 0.107, "ec2.m6i.xlarge": 0.214,
		"ec2.m6g.large": 0.086, "ec2.m6g.xlarge": 0.172, "ec2.m7i.large": 0.1124, "ec2.m7i.xlarge": 0.2247,
		"ec2.m7g.large": 0.0911, "ec2.m7g.xlarge": 0.1822,
		"ec2.c6i.large": 0.096, "ec2.c6g.large": 0.0772, "ec2.c7i.large": 0.1008, "ec2.c7g.large": 0.0821,
		"ec2.r6i.large": 0.141, "ec2.r6g.large": 0.1128, "ec2.r7g.large": 0.1198,
		"rds.db.r5.large": 0.32, "rds.db.r5.xlarge": 0.64, "rds.db.r6g.large": 0.288, "rds.db.r6g.xlarge": 0.576,
		"rds.db.r6g.2xlarge": 1.152, "rds.db.r6i.large": 0.32, "rds.db.r6i.xlarge": 0.64,
		"rds.db.r7g.large": 0.306, "rds.db.r7g.xlarge": 0.613,
	})
}

// euCentral1Prices are eu-central-1 (Frankfurt).
func euCentral1Prices() map[string]float64 {
	return with(common(), map[string]float64{
		kNatHour: 0.052, kNatGB: 0.052, kAlbHour: 0.027, kAlbLCU: 0.0096, kNlbHour: 0.027,
		kGp3GB: 0.0952, kGp2GB: 0.119, kAuroraGB: 0.12, kAuroraIO: 0.22, kVpceHour: 0.012,
		kLogIngest: 0.63, kLogStore: 0.0324,
		"ec2.t3.micro": 0.012, "ec2.t3.small": 0.024, "ec2.t3.medium": 0.048, "ec2.t3.large": 0.096, "ec2.t3.xlarge": 0.192,
		"ec2.t3a.small": 0.0216, "ec2.t3a.medium": 0.0432, "ec2.t3a.large": 0.0864,
		"ec2.t4g.micro": 0.0096, "ec2.t4g.small": 0.0192, "ec2.t4g.medium": 0.0384, "ec2.t4g.large": 0.0768,
		"ec2.m5.large": 0.115, "ec2.m5.xlarge": 0.23, "ec2.m6i.large": 0.115, "ec2.m6i.xlarge": 0.23,
		"ec2.m6g.large": 0.092, "ec2.m6g.xlarge": 0.184, "ec2.m7i.large": 0.1208, "ec2.m7i.xlarge": 0.2415,
		"ec2.m7g.large": 0.0972, "ec2.m7g.xlarge": 0.1944,
		"ec2.c6i.large": 0.097, "ec2.c6g.large": 0.0776, "ec2.c7i.large": 0.1019, "ec2.c7g.large": 0.0827,
		"ec2.r6i.large": 0.152, "ec2.r6g.large": 0.1216, "ec2.r7g.large": 0.1285,
		"rds.db.r5.large": 0.35, "rds.db.r5.xlarge": 0.70, "rds.db.r6g.large": 0.311, "rds.db.r6g.xlarge": 0.622,
		"rds.db.r6g.2xlarge": 1.244, "rds.db.r6i.large": 0.35, "rds.db.r6i.xlarge": 0.70,
		"rds.db.r7g.large": 0.331, "rds.db.r7g.xlarge": 0.662,
	})
}
