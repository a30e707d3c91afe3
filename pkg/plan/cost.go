package plan

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// charge is one billable quantity a resource incurs per month.
type charge struct {
	region   string // "" means the resource's own place
	item     string
	key      string // price key
	count    int    // resources behind the charge
	quantity float64
	unit     string
	usage    bool
}

// pricing is what the per-type pricers read.
type pricing struct {
	g       *graph
	usage   Usage
	primary string // the region serving traffic: its ALBs carry the capacity units
	hours   float64
	// fullCapacity, when positive, is the desired capacity every Auto Scaling group runs at: the
	// standby scaled to the active region's capacity while failed over.
	fullCapacity int
}

// pricer returns the charges of one resource, or a reason it cannot be priced.
type pricer func(p *pricing, n *node) ([]charge, string)

// pricers are the priced resource types. Types in freeTypes cost nothing by themselves; any other
// type is listed as unpriced.
var pricers = map[string]pricer{
	"aws:ec2/natGateway:NatGateway":                priceNat,
	"aws:ec2/eip:Eip":                              priceEip,
	"aws:lb/loadBalancer:LoadBalancer":             priceLoadBalancer,
	"aws:alb/loadBalancer:LoadBalancer":            priceLoadBalancer,
	"aws:autoscaling/group:Group":                  priceAutoScalingGroup,
	"aws:ec2/instance:Instance":                    priceInstance,
	"aws:rds/clusterInstance:ClusterInstance":      priceClusterInstance,
	"aws:rds/cluster:Cluster":                      priceCluster,
	"aws:ec2/vpcEndpoint:VpcEndpoint":              priceVpcEndpoint,
	"aws:kms/key:Key":                              fixed("KMS key", kKmsKey, "key-month"),
	"aws:kms/replicaKey:ReplicaKey":                fixed("KMS replica key", kKmsKey, "key-month"),
	"aws:cloudwatch/metricAlarm:MetricAlarm":       priceMetricAlarm,
	"aws:cloudwatch/compositeAlarm:CompositeAlarm": fixed("CloudWatch composite alarm", kAlarmComposite, "alarm-month"),
	"aws:cloudwatch/dashboard:Dashboard":           fixed("CloudWatch dashboard", kDashboard, "dashboard-month"),
	"aws:cloudwatch/logGroup:LogGroup":             priceLogGroup,
	"aws:route53/zone:Zone":                        fixed("Route 53 hosted zone", kZone, "zone-month"),
	"aws:route53/healthCheck:HealthCheck":          priceHealthCheck,
	"aws:wafv2/webAcl:WebAcl":                      priceWebACL,
	"aws:secretsmanager/secret:Secret":             priceSecret,
	"aws:backup/vault:Vault":                       priceBackupVault,
	"aws:cloudfront/distribution:Distribution":     priceDistribution,
	"aws:lambda/function:Function":                 priceDetectorFunction,
	"aws:s3/bucketV2:BucketV2":                     usageOnly("S3 storage and requests are usage-based (Standard: about $0.023/GB-month); not estimated"),
	"aws:s3/bucket:Bucket":                         usageOnly("S3 storage and requests are usage-based (Standard: about $0.023/GB-month); not estimated"),
	"aws:cfg/recorder:Recorder":                    usageOnly("AWS Config bills $0.003 per configuration item recorded; not estimated"),
	"aws:cfg/rule:Rule":                            usageOnly("AWS Config bills $0.001 per rule evaluation; not estimated"),
	// Patching: Patch Manager and State Manager are free on EC2 instances; what patching bills is the
	// output it stores (S3, on the bucket), the KMS requests of writing it, and Automation steps.
	"aws:ssm/association:Association": usageOnly("Patch Manager scans and State Manager associations are free on EC2; the daily output is billed as S3 storage and requests plus KMS requests ($0.03 per 10,000; S3 Bucket Keys keep them few); not estimated"),
	"aws:ssm/document:Document":       usageOnly("Automation (compute.patchInstall) bills per step run, about $0.002 (8 steps per patched instance per window, no aws:executeScript); accounts new to Automation since 14 Aug 2025 get no free tier; not estimated"),
}

// freeTypes cost nothing by themselves (their usage, if any, is priced on another resource or is
// negligible: Step Functions transitions of a rarely run runbook, SNS email within the free tier).
var freeTypes = map[string]bool{
	"aws:ec2/vpc:Vpc": true, "aws:ec2/subnet:Subnet": true, "aws:ec2/internetGateway:InternetGateway": true,
	"aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": true,
	"aws:ec2/routeTable:RouteTable":                               true, "aws:ec2/route:Route": true, "aws:ec2/routeTableAssociation:RouteTableAssociation": true,
	"aws:ec2/securityGroup:SecurityGroup": true, "aws:ec2/securityGroupRule:SecurityGroupRule": true,
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": true, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": true,
	"aws:ec2/networkAcl:NetworkAcl": true, "aws:ec2/networkAclRule:NetworkAclRule": true,
	"aws:ec2/networkAclAssociation:NetworkAclAssociation": true,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":   true, "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": true,
	"aws:ec2/defaultRouteTable:DefaultRouteTable": true, "aws:ec2/flowLog:FlowLog": true,
	"aws:ec2/launchTemplate:LaunchTemplate": true, "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": true,
	"aws:autoscaling/policy:Policy": true, "aws:autoscaling/lifecycleHook:LifecycleHook": true,
	"aws:lb/targetGroup:TargetGroup": true, "aws:lb/listener:Listener": true, "aws:lb/listenerRule:ListenerRule": true,
	"aws:lb/listenerCertificate:ListenerCertificate": true, "aws:lb/targetGroupAttachment:TargetGroupAttachment": true,
	"aws:rds/subnetGroup:SubnetGroup": true, "aws:rds/clusterParameterGroup:ClusterParameterGroup": true,
	"aws:rds/parameterGroup:ParameterGroup": true, "aws:rds/globalCluster:GlobalCluster": true,
	"aws:secretsmanager/secretVersion:SecretVersion": true, "aws:secretsmanager/secretPolicy:SecretPolicy": true,
	"aws:kms/alias:Alias": true, "aws:kms/grant:Grant": true,
	"aws:cloudwatch/eventRule:EventRule": true, "aws:cloudwatch/eventTarget:EventTarget": true,
	// IAM Access Analyzer's external access analysis has no charge (only unused access is billed).
	"aws:accessanalyzer/analyzer:Analyzer":               true,
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy": true,
	"aws:sns/topic:Topic":                                true, "aws:sns/topicSubscription:TopicSubscription": true, "aws:sns/topicPolicy:TopicPolicy": true,
	"aws:acm/certificate:Certificate": true, "aws:acm/certificateValidation:CertificateValidation": true,
	"aws:route53/record:Record":                                       true,
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": true, "aws:wafv2/webAclAssociation:WebAclAssociation": true,
	"aws:backup/plan:Plan": true, "aws:backup/selection:Selection": true, "aws:backup/vaultNotifications:VaultNotifications": true,
	"aws:backup/vaultPolicy:VaultPolicy":                   true,
	"aws:budgets/budget:Budget":                            true,
	"aws:costexplorer/costAllocationTag:CostAllocationTag": true,
	"aws:cfg/deliveryChannel:DeliveryChannel":              true, "aws:cfg/recorderStatus:RecorderStatus": true,
	"aws:sfn/stateMachine:StateMachine": true,
	// FIS charges per action-minute of a running experiment; a template is free.
	"aws:fis/experimentTemplate:ExperimentTemplate": true,
	"aws:lambda/permission:Permission":              true,
	// CloudFront Functions bill $0.10 per million invocations: the detectors' probes make 86,400 a month.
	"aws:cloudfront/function:Function":                           true,
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": true, "aws:cloudfront/originAccessControl:OriginAccessControl": true,
	"aws:cloudfront/cachePolicy:CachePolicy": true, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": true,
	"aws:ssm/parameter:Parameter": true,
	// Patch Manager on EC2 costs nothing: baseline, patch group, windows and their targets and tasks.
	"aws:ssm/patchBaseline:PatchBaseline": true, "aws:ssm/patchGroup:PatchGroup": true,
	"aws:ssm/maintenanceWindow:MaintenanceWindow": true, "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": true,
	"aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": true,
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": true,
	// ARC charges nothing for zonal shift or zonal autoshift (practice runs included); the Cloud
	// Control resource is its autoshift configuration.
	"aws:cloudcontrol/resource:Resource": true,
}

// freePrefixes are services whose resources are all free (IAM, random values, S3 bucket settings).
var freePrefixes = []string{"aws:iam/", "random:", "aws:s3/bucketServerSide", "aws:s3/bucketPublicAccessBlock",
	"aws:s3/bucketPolicy", "aws:s3/bucketOwnershipControls", "aws:s3/bucketLifecycle", "aws:s3/bucketVersioning",
	"aws:s3/bucketAcl", "aws:s3/bucketLogging", "aws:s3/bucketNotification"}

func isFree(typ string) bool {
	if freeTypes[typ] {
		return true
	}
	for _, p := range freePrefixes {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// estimate prices every resource of g with table under usage, primary serving traffic.
func estimate(g *graph, table PriceTable, usage Usage, primary, secondary string) Cost {
	return estimateWith(&pricing{g: g, usage: usage, primary: primary, hours: HoursPerMonth}, table, primary, secondary)
}

// estimateWith prices every resource of p.g; primary and secondary only order the lines.
func estimateWith(p *pricing, table PriceTable, primary, secondary string) Cost {
	g, usage := p.g, p.usage
	c := Cost{
		Currency: "USD", PriceSource: table.Source, PriceDate: table.Date, HoursPerMonth: HoursPerMonth,
		Assumptions: usage.assumptions(), Items: []CostItem{}, Regions: []RegionCost{}, Unpriced: []Unpriced{},
	}
	type lineKey struct {
		region, component, item, typ, unit string
		price                              float64
		usage                              bool
	}
	lines := map[lineKey]*CostItem{}
	unpriced := map[[3]string]int{}
	for _, n := range g.resources {
		fn, ok := pricers[n.Type]
		if !ok {
			if !isFree(n.Type) {
				unpriced[[3]string{n.Type, n.place, "no price model for this type"}]++
			}
			continue
		}
		charges, reason := fn(p, n)
		if reason != "" {
			unpriced[[3]string{n.Type, n.place, reason}]++
			continue
		}
		for _, ch := range charges {
			region := ch.region
			if region == "" {
				region = n.place
			}
			price, ok := table.Price(region, ch.key)
			if !ok {
				unpriced[[3]string{n.Type, region, fmt.Sprintf("no list price for %s in %s", ch.key, displayRegion(region))}]++
				continue
			}
			k := lineKey{region, n.component, ch.item, n.Type, ch.unit, price, ch.usage}
			line := lines[k]
			if line == nil {
				line = &CostItem{Region: region, Component: n.component, Item: ch.item, Type: n.Type, Unit: ch.unit, UnitPrice: price, Usage: ch.usage}
				lines[k] = line
			}
			line.Count += ch.count
			line.Quantity += ch.quantity
		}
	}
	totals := map[string]float64{}
	for _, line := range lines {
		line.Quantity = round(line.Quantity, 4)
		line.Monthly = cents(line.Quantity * line.UnitPrice)
		totals[line.Region] = cents(totals[line.Region] + line.Monthly)
		c.Items = append(c.Items, *line)
	}
	sort.Slice(c.Items, func(i, j int) bool {
		a, b := c.Items[i], c.Items[j]
		if ra, rb := regionRank(a.Region, primary, secondary), regionRank(b.Region, primary, secondary); ra != rb {
			return ra < rb
		}
		if a.Component != b.Component {
			return a.Component < b.Component
		}
		if a.Item != b.Item {
			return a.Item < b.Item
		}
		return a.UnitPrice < b.UnitPrice
	})
	for region, total := range totals {
		c.Regions = append(c.Regions, RegionCost{Region: region, Monthly: total})
		c.MonthlyTotal = cents(c.MonthlyTotal + total)
	}
	sort.Slice(c.Regions, func(i, j int) bool {
		return regionRank(c.Regions[i].Region, primary, secondary) < regionRank(c.Regions[j].Region, primary, secondary)
	})
	for k, count := range unpriced {
		c.Unpriced = append(c.Unpriced, Unpriced{Type: k[0], Region: k[1], Count: count, Reason: k[2]})
	}
	sort.Slice(c.Unpriced, func(i, j int) bool {
		a, b := c.Unpriced[i], c.Unpriced[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Reason < b.Reason
	})
	c.Notes = costNotes(g)
	return c
}

// costNotes are what the estimate leaves out, so nobody mistakes it for a bill.
func costNotes(g *graph) []string {
	notes := []string{
		"List prices as of the table's date; verify before budgeting. No Savings Plans, reserved instances or taxes; no free tier except CloudFront's always-free tier.",
		"CloudFront's always-free tier (1 TB out and 10 million requests a month) is per account: another distribution in the account uses it up too.",
		"Usage lines follow the assumptions above; change them with the flags.",
		"Not included: data transfer between regions (Aurora replication, backup copies, secret replication), Aurora global replicated write I/O, " +
			"API requests (KMS, Secrets Manager, CloudWatch) and custom metrics other than the failover detectors' (priced by their schedule), Route 53 queries (alias queries to AWS resources are free), " +
			"Performance Insights beyond the free retention, CloudFront viewers outside North America and Europe.",
	}
	createsZone := false
	for _, n := range g.resources {
		createsZone = createsZone || n.Type == "aws:route53/zone:Zone"
	}
	if !createsZone {
		notes = append(notes, "The hosted zone is pinned (edge.hostedZoneId), not created: its $0.50/month is billed outside this stack.")
	}
	return notes
}

// regionRank orders regions: primary, secondary, the other regions alphabetically, Global, "".
func regionRank(region, primary, secondary string) string {
	switch region {
	case primary:
		return "0"
	case secondary:
		return "1"
	case Global:
		return "3"
	case "":
		return "4"
	}
	return "2" + region
}

func displayRegion(region string) string {
	if region == "" {
		return "-"
	}
	return region
}

func cents(x float64) float64 { return round(x, 2) }

func round(x float64, digits int) float64 {
	scale := math.Pow(10, float64(digits))
	return math.Round(x*scale) / scale
}

// fixed prices a resource at one unit of key per month.
func fixed(item, key, unit string) pricer {
	return func(p *pricing, n *node) ([]charge, string) {
		return []charge{{item: item, key: key, count: 1, quantity: 1, unit: unit}}, ""
	}
}

// usageOnly marks a type whose cost is pure usage the plan does not estimate.
func usageOnly(reason string) pricer {
	return func(*pricing, *node) ([]charge, string) { return nil, reason }
}

func priceNat(p *pricing, n *node) ([]charge, string) {
	return []charge{
		{item: "NAT gateway", key: kNatHour, count: 1, quantity: p.hours, unit: "hour"},
		{item: "NAT gateway data processed", key: kNatGB, count: 1, quantity: p.usage.NatGB, unit: "GB", usage: true},
	}, ""
}

func priceEip(p *pricing, n *node) ([]charge, string) {
	return []charge{{item: "Elastic IP (public IPv4)", key: kIPv4Hour, count: 1, quantity: p.hours, unit: "hour"}}, ""
}

func priceLoadBalancer(p *pricing, n *node) ([]charge, string) {
	kind := n.Str("loadBalancerType")
	if kind == "" {
		kind = "application"
	}
	var out []charge
	switch kind {
	case "application":
		out = append(out, charge{item: "Application Load Balancer", key: kAlbHour, count: 1, quantity: p.hours, unit: "hour"})
		lcu := 0.0
		if n.Region == p.primary {
			lcu = p.usage.AlbLCU
		}
		out = append(out, charge{item: "ALB capacity units", key: kAlbLCU, count: 1, quantity: lcu * p.hours, unit: "LCU-hour", usage: true})
	case "network":
		out = append(out, charge{item: "Network Load Balancer", key: kNlbHour, count: 1, quantity: p.hours, unit: "hour"})
	default:
		return nil, "no price model for " + kind + " load balancers"
	}
	if !n.Bool("internal") {
		nodes := n.Len("subnets")
		if m := n.Len("subnetMappings"); m > nodes {
			nodes = m
		}
		out = append(out, charge{item: "Load balancer public IPv4 (one per AZ)", key: kIPv4Hour, count: 1, quantity: float64(nodes) * p.hours, unit: "hour"})
	}
	return out, ""
}

// launchTemplateOf finds the launch template an Auto Scaling group names, by ID or name.
func (p *pricing) launchTemplateOf(n *node) *node {
	id, name := n.Str("launchTemplate.id"), n.Str("launchTemplate.name")
	for _, lt := range p.g.ofType("aws:ec2/launchTemplate:LaunchTemplate") {
		if (id != "" && lt.ID == id) || (name != "" && lt.Outputs["name"].IsString() && lt.Outputs["name"].StringValue() == name) {
			return lt
		}
	}
	return nil
}

func priceAutoScalingGroup(p *pricing, n *node) ([]charge, string) {
	if n.Has("mixedInstancesPolicy") {
		return nil, "mixed instances policies are not priced"
	}
	lt := p.launchTemplateOf(n)
	if lt == nil {
		return nil, "its launch template is not among the registered resources"
	}
	typ := lt.Str("instanceType")
	if typ == "" {
		return nil, "its launch template sets no instance type"
	}
	count := n.Num("minSize")
	if n.Has("desiredCapacity") {
		count = n.Num("desiredCapacity")
	}
	if full := float64(p.fullCapacity); full > count {
		count = full
	}
	out := []charge{{item: "EC2 " + typ + " (desired capacity)", key: "ec2." + typ, count: int(count), quantity: count * p.hours, unit: "instance-hour"}}
	for i := 0; i < lt.Len("blockDeviceMappings"); i++ {
		ebs := fmt.Sprintf("blockDeviceMappings[%d].ebs", i)
		size := lt.Num(ebs + ".volumeSize")
		volType := lt.Str(ebs + ".volumeType")
		if volType == "" {
			volType = "gp3"
		}
		if size == 0 {
			continue
		}
		out = append(out, charge{item: "EBS " + volType + " volumes", key: "ebs." + volType + ".gb", count: int(count), quantity: size * count, unit: "GB-month"})
	}
	if lt.Bool("monitoring.enabled") {
		out = append(out, charge{item: "EC2 detailed monitoring", key: kEc2Monitoring, count: int(count), quantity: count, unit: "instance-month"})
	}
	return out, ""
}

func priceInstance(p *pricing, n *node) ([]charge, string) {
	typ := n.Str("instanceType")
	if typ == "" {
		return nil, "no instance type set"
	}
	return []charge{{item: "EC2 " + typ, key: "ec2." + typ, count: 1, quantity: p.hours, unit: "instance-hour"}}, ""
}

func priceClusterInstance(p *pricing, n *node) ([]charge, string) {
	class := n.Str("instanceClass")
	if class == "" {
		return nil, "no instance class set"
	}
	return []charge{{item: "Aurora " + class, key: "rds." + class, count: 1, quantity: p.hours, unit: "instance-hour"}}, ""
}

func priceCluster(p *pricing, n *node) ([]charge, string) {
	if n.Str("storageType") == "aurora-iopt1" {
		return nil, "Aurora I/O-Optimized storage is not priced"
	}
	return []charge{
		{item: "Aurora storage", key: kAuroraGB, count: 1, quantity: p.usage.DBStorageGB, unit: "GB-month", usage: true},
		{item: "Aurora I/O", key: kAuroraIO, count: 1, quantity: p.usage.DBIOMillions, unit: "million requests", usage: true},
	}, ""
}

func priceVpcEndpoint(p *pricing, n *node) ([]charge, string) {
	switch n.Str("vpcEndpointType") {
	case "", "Gateway":
		return nil, "" // gateway endpoints (S3, DynamoDB) are free
	case "Interface":
		azs := n.Len("subnetIds")
		return []charge{{item: "Interface VPC endpoint", key: kVpceHour, count: 1, quantity: float64(azs) * p.hours, unit: "AZ-hour"}}, ""
	}
	return nil, "no price model for " + n.Str("vpcEndpointType") + " endpoints"
}

func priceMetricAlarm(p *pricing, n *node) ([]charge, string) {
	metrics := 0
	period := n.Num("period")
	for i := 0; i < n.Len("metricQueries"); i++ {
		q := fmt.Sprintf("metricQueries[%d].metric", i)
		if n.Has(q) {
			metrics++
			if pp := n.Num(q + ".period"); pp > 0 && (period == 0 || pp < period) {
				period = pp
			}
		}
	}
	if metrics == 0 {
		metrics = 1
	}
	key, item := kAlarm, "CloudWatch alarm metrics"
	if period > 0 && period < 60 {
		key, item = kAlarmHighRes, "CloudWatch high-resolution alarm metrics"
	}
	return []charge{{item: item, key: key, count: 1, quantity: float64(metrics), unit: "metric-month"}}, ""
}

func priceLogGroup(p *pricing, n *node) ([]charge, string) {
	months := 12.0 // never expiring groups: a year's worth held
	if days := n.Num("retentionInDays"); days > 0 {
		months = days / 30
	}
	return []charge{
		{item: "CloudWatch Logs ingestion", key: kLogIngest, count: 1, quantity: p.usage.LogGB, unit: "GB", usage: true},
		{item: "CloudWatch Logs storage (steady state)", key: kLogStore, count: 1, quantity: p.usage.LogGB * months, unit: "GB-month", usage: true},
	}, ""
}

func priceHealthCheck(p *pricing, n *node) ([]charge, string) {
	out := []charge{{item: "Route 53 health check", key: kHealthCheck, count: 1, quantity: 1, unit: "check-month"}}
	typ := n.Str("type")
	options := 0
	if strings.HasPrefix(typ, "HTTPS") {
		options++
	}
	if strings.HasSuffix(typ, "_STR_MATCH") {
		options++
	}
	if strings.HasPrefix(typ, "HTTP") || typ == "TCP" {
		if n.Num("requestInterval") == 10 {
			options++
		}
		if n.Bool("measureLatency") {
			options++
		}
	}
	if options > 0 {
		out = append(out, charge{item: "Route 53 health check options", key: kHealthOption, count: 1, quantity: float64(options), unit: "option-month"})
	}
	return out, ""
}

func priceWebACL(p *pricing, n *node) ([]charge, string) {
	return []charge{
		{item: "WAF WebACL", key: kWafACL, count: 1, quantity: 1, unit: "ACL-month"},
		{item: "WAF rules and rule groups", key: kWafRule, count: 1, quantity: float64(n.Len("rules")), unit: "rule-month"},
		{item: "WAF requests", key: kWafMillion, count: 1, quantity: p.usage.RequestsMillions, unit: "million requests", usage: true},
	}, ""
}

func priceSecret(p *pricing, n *node) ([]charge, string) {
	out := []charge{{item: "Secrets Manager secret", key: kSecret, count: 1, quantity: 1, unit: "secret-month"}}
	for i := 0; i < n.Len("replicas"); i++ {
		region := n.Str(fmt.Sprintf("replicas[%d].region", i))
		if region == "" {
			continue
		}
		out = append(out, charge{region: region, item: "Secrets Manager replica", key: kSecret, count: 1, quantity: 1, unit: "secret-month"})
	}
	return out, ""
}

func priceBackupVault(p *pricing, n *node) ([]charge, string) {
	return []charge{{item: "AWS Backup storage", key: kBackupGB, count: 1, quantity: p.usage.BackupGB, unit: "GB-month", usage: true}}, ""
}

// priceDistribution bills what exceeds CloudFront's always-free tier: 1 TB of data transfer out
// and 10 million HTTP/HTTPS requests a month (aws.amazon.com/cloudfront/pricing). The tier is the
// account's, shared by every distribution in it; the estimate assumes this stack's is the only one.
func priceDistribution(p *pricing, n *node) ([]charge, string) {
	return []charge{
		{item: "CloudFront data transfer out beyond the free 1 TB", key: kCfGB, count: 1, quantity: overFreeTier(p.usage.CloudFrontGB, CloudFrontFreeGB), unit: "GB", usage: true},
		{item: "CloudFront HTTPS requests beyond the free 10 million", key: kCfMillion, count: 1, quantity: overFreeTier(p.usage.RequestsMillions, CloudFrontFreeMillionRequests), unit: "million requests", usage: true},
	}, ""
}

// CloudFront's always-free tier per account and month (aws.amazon.com/cloudfront/pricing, "Included
// in Always Free Tier"). 1 TB is counted as 1,000 GB, the smaller reading.
const (
	CloudFrontFreeGB              = 1000.0
	CloudFrontFreeMillionRequests = 10.0
)

// overFreeTier is the part of used above free.
func overFreeTier(used, free float64) float64 { return math.Max(0, used-free) }
