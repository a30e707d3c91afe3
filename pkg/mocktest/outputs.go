package mocktest

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// outputsFor returns the state a resource reports after creation: its inputs, plus the computed
// attributes (ARNs, DNS names, endpoints) later resources consume, shaped like AWS's.
func outputsFor(r *Resource) resource.PropertyMap {
	out := r.Inputs.Copy()
	if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
		return out
	}
	set := func(key string, v any) {
		if _, ok := out[resource.PropertyKey(key)]; !ok {
			out[resource.PropertyKey(key)] = resource.NewPropertyValue(v)
		}
	}
	region := r.Region
	name := r.Name
	set("name", name)
	set("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service(r.Type), region, AccountID, kind(r.Type), name))

	switch r.Type {
	case "aws:ec2/vpc:Vpc":
		set("defaultSecurityGroupId", "sg-default-"+name)
		set("defaultNetworkAclId", "acl-default-"+name)
		set("defaultRouteTableId", "rtb-default-"+name)
		set("mainRouteTableId", "rtb-main-"+name)
	case "aws:lb/loadBalancer:LoadBalancer":
		set("dnsName", fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", name, hash(name)%1000000, region))
		set("zoneId", "ZALB"+strings.ToUpper(strings.ReplaceAll(region, "-", "")))
		set("arnSuffix", fmt.Sprintf("app/%s/%x", name, hash(name)))
	case "aws:lb/targetGroup:TargetGroup":
		set("arnSuffix", fmt.Sprintf("targetgroup/%s/%x", name, hash(name)))
	case "aws:rds/cluster:Cluster":
		set("clusterIdentifier", name)
		set("endpoint", fmt.Sprintf("%s.cluster-%x.%s.rds.amazonaws.com", name, hash(name), region))
		set("readerEndpoint", fmt.Sprintf("%s.cluster-ro-%x.%s.rds.amazonaws.com", name, hash(name), region))
		set("arn", fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, AccountID, name))
		port := 5432.0
		if strings.Contains(out["engine"].StringValue(), "mysql") {
			port = 3306
		}
		set("port", port)
	case "aws:rds/globalCluster:GlobalCluster":
		set("arn", fmt.Sprintf("arn:aws:rds::%s:global-cluster:%s", AccountID, name))
	case "aws:rds/clusterInstance:ClusterInstance":
		set("identifier", name)
	case "aws:kms/key:Key":
		set("keyId", "key-"+name)
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:kms:%s:%s:key/key-%s", region, AccountID, name))
	case "aws:route53/zone:Zone":
		set("zoneId", "ZONE"+strings.ToUpper(name))
		set("nameServers", []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"})
	case "aws:route53/record:Record":
		set("fqdn", out["name"].StringValue())
	case "aws:cloudfront/distribution:Distribution":
		set("domainName", fmt.Sprintf("d%x.cloudfront.net", hash(name)))
		set("hostedZoneId", "Z2FDTNDATAQYW2")
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", AccountID, name))
	case "aws:acm/certificate:Certificate":
		set("domainValidationOptions", validationOptions(out))
	case "aws:wafv2/webAcl:WebAcl":
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:wafv2:%s:%s:global/webacl/%s/%x", region, AccountID, name, hash(name)))
	case "aws:sns/topic:Topic":
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, AccountID, name))
	case "aws:cloudwatch/logGroup:LogGroup":
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, AccountID, out["name"].StringValue()))
	case "aws:iam/role:Role", "aws:iam/instanceProfile:InstanceProfile", "aws:iam/policy:Policy":
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:iam::%s:%s/%s", AccountID, kind(r.Type), out["name"].StringValue()))
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		set("bucket", name)
		bucket := out["bucket"].StringValue()
		out["arn"] = resource.NewPropertyValue("arn:aws:s3:::" + bucket)
		set("bucketDomainName", bucket+".s3.amazonaws.com")
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", bucket, region))
	case "aws:ec2/launchTemplate:LaunchTemplate":
		set("latestVersion", 1.0)
		set("defaultVersion", 1.0)
	case "aws:secretsmanager/secret:Secret":
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf", region, AccountID, name))
	case "aws:sfn/stateMachine:StateMachine":
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, AccountID, name))
	case "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm":
		set("alarmName", name)
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, AccountID, out["alarmName"].StringValue()))
	case "random:index/randomPassword:RandomPassword":
		length := int(out["length"].NumberValue())
		set("result", resource.MakeSecret(resource.NewPropertyValue(strings.Repeat("x", length))))
	}
	return out
}

// validationOptions models ACM's DNS validation records: one CNAME per name, and the same name
// always yields the same record (as ACM does within one account, across regions).
func validationOptions(inputs resource.PropertyMap) []any {
	names := []string{inputs["domainName"].StringValue()}
	if sans, ok := inputs["subjectAlternativeNames"]; ok && sans.IsArray() {
		for _, s := range sans.ArrayValue() {
			names = append(names, s.StringValue())
		}
	}
	var opts []any
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		opts = append(opts, map[string]any{
			"domainName":          n,
			"resourceRecordName":  fmt.Sprintf("_%x.%s.", hash(n), n),
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": fmt.Sprintf("_%x.acm-validations.aws.", hash("v"+n)),
		})
	}
	return opts
}

// service and kind split a type token such as "aws:ec2/vpc:Vpc" into "ec2" and "vpc".
func service(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) < 2 {
		return typ
	}
	return strings.Split(parts[1], "/")[0]
}

func kind(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) < 2 {
		return typ
	}
	mod := strings.Split(parts[1], "/")
	return mod[len(mod)-1]
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
