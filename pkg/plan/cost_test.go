package plan

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// res builds a recorded resource of typ in region under the component "comp".
func res(typ, name, region string, inputs map[string]any) *offline.Resource {
	in := resource.NewPropertyMapFromMap(inputs)
	return &offline.Resource{
		Type: typ, Name: name, URN: "urn:pulumi:test::multi-region-ha::" + typ + "::" + name, ID: name + "-id",
		Custom: true, Inputs: in, Outputs: in.Copy(), Region: region, ProviderName: "aws-" + region,
	}
}

// testTable has round prices so the totals below can be checked by hand.
var testTable = PriceTable{Source: "test", Date: "test", Regions: map[string]map[string]float64{
	"us-east-1": {
		kNatHour: 0.05, kNatGB: 0.05, kIPv4Hour: 0.005, "ec2.t3.small": 0.02, kGp3GB: 0.08, kEc2Monitoring: 2.10,
		kAlarm: 0.10, kLogIngest: 0.50, kLogStore: 0.03,
	},
	Global: {kCfGB: 0.085, kCfMillion: 1.00, kHealthCheck: 0.50, kHealthOption: 1.00},
}}

func handResources() []*offline.Resource {
	lt := res("aws:ec2/launchTemplate:LaunchTemplate", "lt", "us-east-1", map[string]any{
		"instanceType":        "t3.small",
		"monitoring":          map[string]any{"enabled": true},
		"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"volumeSize": 20.0, "volumeType": "gp3"}}},
	})
	return []*offline.Resource{
		res("aws:ec2/vpc:Vpc", "vpc", "us-east-1", nil), // free
		res("aws:ec2/natGateway:NatGateway", "nat-a", "us-east-1", nil),
		res("aws:ec2/natGateway:NatGateway", "nat-b", "us-east-1", nil),
		res("aws:ec2/eip:Eip", "eip-a", "us-east-1", nil),
		res("aws:ec2/eip:Eip", "eip-b", "us-east-1", nil),
		lt,
		res("aws:autoscaling/group:Group", "asg", "us-east-1", map[string]any{
			"desiredCapacity": 3.0, "minSize": 1.0, "launchTemplate": map[string]any{"id": "lt-id", "version": "1"},
		}),
		res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", "us-east-1", map[string]any{"metricQueries": []any{
			map[string]any{"id": "a", "metric": map[string]any{"metricName": "HTTPCode_ELB_5XX_Count", "period": 60.0}},
			map[string]any{"id": "b", "metric": map[string]any{"metricName": "RequestCount", "period": 60.0}},
			map[string]any{"id": "rate", "expression": "a/b"},
		}}),
		res("aws:cloudwatch/logGroup:LogGroup", "logs", "us-east-1", map[string]any{"retentionInDays": 30.0}),
		res("aws:cloudfront/distribution:Distribution", "cdn", "us-east-1", nil),
		res("aws:route53/healthCheck:HealthCheck", "hc", "us-east-1", map[string]any{"type": "HTTPS_STR_MATCH", "requestInterval": 10.0}),
		res("aws:kms/key:Key", "key", "ap-south-1", nil),                      // region not in the table
		res("aws:ec2/transitGateway:TransitGateway", "tgw", "us-east-1", nil), // no price model
	}
}

func TestCostArithmeticMatchesHandComputedTotals(t *testing.T) {
	usage := DefaultUsage()
	usage.LogGB = 2
	g := newGraph(handResources(), nil)
	c := estimate(g, testTable, usage, "us-east-1", "us-west-2")

	monthly := map[string]float64{}
	for _, it := range c.Items {
		monthly[it.Region+"/"+it.Item] = it.Monthly
	}
	want := map[string]float64{
		"us-east-1/NAT gateway":                                       73.00, // 2 x 730 h x 0.05
		"us-east-1/NAT gateway data processed":                        1.00,  // 2 x 10 GB x 0.05
		"us-east-1/Elastic IP (public IPv4)":                          7.30,  // 2 x 730 h x 0.005
		"us-east-1/EC2 t3.small (desired capacity)":                   43.80, // 3 x 730 h x 0.02
		"us-east-1/EBS gp3 volumes":                                   4.80,  // 3 x 20 GB x 0.08
		"us-east-1/EC2 detailed monitoring":                           6.30,  // 3 x 2.10
		"us-east-1/CloudWatch alarm metrics":                          0.20,  // 2 metrics (the expression is free) x 0.10
		"us-east-1/CloudWatch Logs ingestion":                         1.00,  // 2 GB x 0.50
		"us-east-1/CloudWatch Logs storage (steady state)":            0.06,  // 2 GB x 30/30 months x 0.03
		"global/CloudFront data transfer out beyond the free 1 TB":    0,     // 100 GB, inside the always-free 1 TB
		"global/CloudFront HTTPS requests beyond the free 10 million": 0,     // 10 M, inside the always-free 10 M
		"global/Route 53 health check":                                0.50,
		"global/Route 53 health check options":                        3.00, // HTTPS, string match, 10 s interval
	}
	assert.Equal(t, want, monthly)
	assert.Equal(t, []RegionCost{{"us-east-1", 137.46}, {Global, 3.50}}, c.Regions)
	assert.Equal(t, 140.96, c.MonthlyTotal)

	assert.Equal(t, []Unpriced{
		{Type: "aws:ec2/transitGateway:TransitGateway", Region: "us-east-1", Count: 1, Reason: "no price model for this type"},
		{Type: "aws:kms/key:Key", Region: "ap-south-1", Count: 1, Reason: "no list price for kms.key in ap-south-1"},
	}, c.Unpriced, "what cannot be priced is listed, never dropped")
}

func TestEmbeddedPricesSpotChecks(t *testing.T) {
	cases := []struct {
		name    string
		region  string
		build   func(region string) []*offline.Resource
		item    string
		monthly float64
	}{
		{"3 NAT gateways in us-east-1", "us-east-1", func(r string) []*offline.Resource {
			return []*offline.Resource{res("aws:ec2/natGateway:NatGateway", "a", r, nil), res("aws:ec2/natGateway:NatGateway", "b", r, nil), res("aws:ec2/natGateway:NatGateway", "c", r, nil)}
		}, "NAT gateway", 98.55}, // 3 x 730 x 0.045
		{"NAT gateway in eu-central-1", "eu-central-1", func(r string) []*offline.Resource {
			return []*offline.Resource{res("aws:ec2/natGateway:NatGateway", "a", r, nil)}
		}, "NAT gateway", 37.96}, // 730 x 0.052
		{"2 Aurora db.r6g.large in us-west-2", "us-west-2", func(r string) []*offline.Resource {
			return []*offline.Resource{
				res("aws:rds/clusterInstance:ClusterInstance", "a", r, map[string]any{"instanceClass": "db.r6g.large"}),
				res("aws:rds/clusterInstance:ClusterInstance", "b", r, map[string]any{"instanceClass": "db.r6g.large"}),
			}
		}, "Aurora db.r6g.large", 379.60}, // 2 x 730 x 0.26
		{"secret with a replica in eu-west-1", "eu-west-1", func(r string) []*offline.Resource {
			return []*offline.Resource{res("aws:secretsmanager/secret:Secret", "s", r, map[string]any{"replicas": []any{map[string]any{"region": "eu-central-1"}}})}
		}, "Secrets Manager replica", 0.40},
		{"interface endpoint in 3 AZs in eu-west-1", "eu-west-1", func(r string) []*offline.Resource {
			return []*offline.Resource{res("aws:ec2/vpcEndpoint:VpcEndpoint", "e", r, map[string]any{"vpcEndpointType": "Interface", "subnetIds": []any{"a", "b", "c"}})}
		}, "Interface VPC endpoint", 24.09}, // 3 x 730 x 0.011
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := estimate(newGraph(tc.build(tc.region), nil), Prices, DefaultUsage(), "us-east-1", "us-west-2")
			var found []float64
			for _, it := range c.Items {
				if it.Item == tc.item {
					found = append(found, it.Monthly)
				}
			}
			require.Len(t, found, 1, "items: %+v", c.Items)
			assert.Equal(t, tc.monthly, found[0])
			assert.Empty(t, c.Unpriced)
		})
	}
}

func TestEveryRegionOfThePriceTablePricesTheSameItems(t *testing.T) {
	keys := Prices.Regions["us-east-1"]
	for _, region := range []string{"us-west-2", "eu-west-1", "eu-central-1"} {
		for k := range keys {
			_, ok := Prices.Price(region, k)
			assert.True(t, ok, "%s has no price for %s", region, k)
		}
		assert.Len(t, Prices.Regions[region], len(keys), region)
	}
	assert.NotEmpty(t, Prices.Source)
	assert.NotEmpty(t, Prices.Date)
}

func TestStandbyAlbsCarryNoCapacityUnits(t *testing.T) {
	g := newGraph([]*offline.Resource{
		res("aws:lb/loadBalancer:LoadBalancer", "east", "us-east-1", map[string]any{"subnets": []any{"a", "b"}}),
		res("aws:lb/loadBalancer:LoadBalancer", "west", "us-west-2", map[string]any{"subnets": []any{"a", "b"}}),
		res("aws:lb/loadBalancer:LoadBalancer", "internal", "us-west-2", map[string]any{"internal": true}),
	}, nil)
	c := estimate(g, Prices, DefaultUsage(), "us-east-1", "us-west-2")
	got := map[string]float64{}
	for _, it := range c.Items {
		got[it.Region+"/"+it.Item] = it.Quantity
	}
	assert.Equal(t, 730.0, got["us-east-1/ALB capacity units"])
	assert.Equal(t, 0.0, got["us-west-2/ALB capacity units"])
	assert.Equal(t, 1460.0, got["us-east-1/Load balancer public IPv4 (one per AZ)"], "2 AZs x 730 h")
	assert.Equal(t, 1460.0, got["us-west-2/Load balancer public IPv4 (one per AZ)"], "internal ALBs have no public addresses")
	assert.Equal(t, 1460.0, got["us-west-2/Application Load Balancer"])
}
