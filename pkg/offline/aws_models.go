package offline

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The output models of the AWS and random resources the program uses.
func init() {
	RegisterOutputs("aws:ec2/vpc:Vpc", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		set("defaultSecurityGroupId", "sg-default-"+name)
		set("defaultNetworkAclId", "acl-default-"+name)
		set("defaultRouteTableId", "rtb-default-"+name)
		set("mainRouteTableId", "rtb-main-"+name)
	})
	RegisterOutputs("aws:lb/loadBalancer:LoadBalancer", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		set("dnsName", fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", name, hash(name)%1000000, region))
		set("zoneId", "ZALB"+strings.ToUpper(strings.ReplaceAll(region, "-", "")))
		set("arnSuffix", fmt.Sprintf("app/%s/%x", name, hash(name)))
		// AWS's form (the zonal autoshift configuration checks it): the ARN ends in the suffix.
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", region, AccountID, out["arnSuffix"].StringValue()))
	})
	RegisterOutputs("aws:lb/targetGroup:TargetGroup", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		set("arnSuffix", fmt.Sprintf("targetgroup/%s/%x", name, hash(name)))
	})
	RegisterOutputs("aws:rds/cluster:Cluster", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		set("clusterIdentifier", name)
		set("endpoint", fmt.Sprintf("%s.cluster-%x.%s.rds.amazonaws.com", name, hash(name), region))
		set("readerEndpoint", fmt.Sprintf("%s.cluster-ro-%x.%s.rds.amazonaws.com", name, hash(name), region))
		set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, AccountID, name))
		port := 5432.0
		if strings.Contains(out["engine"].StringValue(), "mysql") {
			port = 3306
		}
		set("port", port)
	})
	RegisterOutputs("aws:rds/globalCluster:GlobalCluster", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		set("arn", fmt.Sprintf("arn:aws:rds::%s:global-cluster:%s", AccountID, name))
	})
	RegisterOutputs("aws:rds/clusterInstance:ClusterInstance", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		set("identifier", name)
	})
	RegisterOutputs("aws:kms/key:Key", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		set("keyId", "key-"+name)
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:kms:%s:%s:key/key-%s", region, AccountID, name))
	})
	RegisterOutputs("aws:route53/zone:Zone", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		set("zoneId", "ZONE"+strings.ToUpper(name))
		set("nameServers", []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"})
	})
	RegisterOutputs("aws:route53/record:Record", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		set("fqdn", out["name"].StringValue())
	})
	RegisterOutputs("aws:cloudfront/distribution:Distribution", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		set("domainName", fmt.Sprintf("d%x.cloudfront.net", hash(name)))
		set("hostedZoneId", "Z2FDTNDATAQYW2")
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", AccountID, name))
	})
	RegisterOutputs("aws:acm/certificate:Certificate", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		set("domainValidationOptions", validationOptions(out))
	})
	RegisterOutputs("aws:wafv2/webAcl:WebAcl", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:wafv2:%s:%s:global/webacl/%s/%x", region, AccountID, name, hash(name)))
	})
	RegisterOutputs("aws:sns/topic:Topic", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, AccountID, name))
	})
	RegisterOutputs("aws:cloudwatch/logGroup:LogGroup", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		region := r.Region
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, AccountID, out["name"].StringValue()))
	})
	RegisterOutputs("aws:iam/role:Role", iamArn)
	RegisterOutputs("aws:iam/instanceProfile:InstanceProfile", iamArn)
	RegisterOutputs("aws:iam/policy:Policy", iamArn)
	RegisterOutputs("aws:s3/bucketV2:BucketV2", s3Bucket)
	RegisterOutputs("aws:s3/bucket:Bucket", s3Bucket)
	RegisterOutputs("aws:ec2/launchTemplate:LaunchTemplate", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		set("latestVersion", 1.0)
		set("defaultVersion", 1.0)
	})
	RegisterOutputs("aws:secretsmanager/secret:Secret", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf", region, AccountID, name))
	})
	RegisterOutputs("aws:sfn/stateMachine:StateMachine", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		name := r.Name
		region := r.Region
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, AccountID, name))
	})
	RegisterOutputs("aws:cloudwatch/metricAlarm:MetricAlarm", alarm)
	RegisterOutputs("aws:cloudwatch/compositeAlarm:CompositeAlarm", alarm)
	RegisterOutputs("random:index/randomPassword:RandomPassword", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		length := int(out["length"].NumberValue())
		set("result", resource.MakeSecret(resource.NewPropertyValue(strings.Repeat("x", length))))
	})
}

// iamArn models the ARN IAM gives roles, instance profiles and policies: the path (default "/")
// sits between the kind and the name.
func iamArn(r *Resource, out resource.PropertyMap, set func(string, any)) {
	path := "/"
	if p, ok := out["path"]; ok && p.IsString() && p.StringValue() != "" {
		path = p.StringValue()
	}
	k := kind(r.Type)
	if k == "instanceProfile" {
		k = "instance-profile"
	}
	out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:iam::%s:%s%s%s", AccountID, k, path, out["name"].StringValue()))
}

// s3Bucket models a bucket's name, ARN and domain names.
func s3Bucket(r *Resource, out resource.PropertyMap, set func(string, any)) {
	name := r.Name
	region := r.Region
	set("bucket", name)
	bucket := out["bucket"].StringValue()
	out["arn"] = resource.NewPropertyValue("arn:aws:s3:::" + bucket)
	set("bucketDomainName", bucket+".s3.amazonaws.com")
	set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", bucket, region))
}

// alarm models an alarm's name and ARN.
func alarm(r *Resource, out resource.PropertyMap, set func(string, any)) {
	name := r.Name
	region := r.Region
	set("alarmName", name)
	out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, AccountID, out["alarmName"].StringValue()))
}
