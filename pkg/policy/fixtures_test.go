package policy

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Compliant fixtures: each rule's passing example starts from these, each failing example breaks
// exactly one thing.

const keyArn = "arn:aws:kms:us-east-1:123456789012:key/k"

func goodKey() *Resource {
	return protected(res(TypeKmsKey, "key", map[string]any{"enableKeyRotation": true, "tags": map[string]any{"Name": "key"}}))
}

func goodBucket(name string) []*Resource {
	b := res(TypeBucketV2, name, map[string]any{})
	b.Outputs["bucket"] = resourceString(name)
	return []*Resource{
		b,
		res(TypeBucketEncryption, name+"-enc", map[string]any{"bucket": name + "-id", "rules": []any{map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": keyArn},
		}}}),
		res(TypeBucketPublicBlock, name+"-pab", map[string]any{"bucket": name + "-id",
			"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
		res(TypeBucketPolicy, name+"-policy", map[string]any{"bucket": name, "policy": tlsPolicy}),
	}
}

const tlsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

func goodSecurityGroup() []*Resource {
	sg := res(TypeSecurityGroup, "app-sg", map[string]any{"vpcId": "vpc-id", "description": "app"})
	in := res(TypeIngressRule, "app-in", map[string]any{"securityGroupId": "app-sg-id", "referencedSecurityGroupId": "alb-sg-id",
		"ipProtocol": "tcp", "fromPort": 8080, "toPort": 8080, "description": "app port from the ALB"})
	return []*Resource{sg, in}
}

func goodVpc() []*Resource {
	return []*Resource{
		res(TypeVpc, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}),
		res(TypeFlowLog, "vpc-flow-log", map[string]any{"vpcId": "vpc-id", "trafficType": "ALL"}),
		res(TypeDefaultSecurityGroup, "vpc-default-sg", map[string]any{"vpcId": "vpc-id"}),
	}
}

func goodLaunchTemplate() *Resource {
	return res(TypeLaunchTemplate, "lt", map[string]any{
		"metadataOptions":   map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 1},
		"networkInterfaces": []any{map[string]any{"associatePublicIpAddress": "false", "securityGroups": []any{"app-sg-id"}}},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda",
			"ebs": map[string]any{"encrypted": "true", "kmsKeyId": keyArn}}},
	})
}

func goodAlb() *Resource {
	return res(TypeLoadBalancer, "alb", map[string]any{"loadBalancerType": "application", "dropInvalidHeaderFields": true,
		"enableDeletionProtection": true, "enableZonalShift": true, "accessLogs": map[string]any{"bucket": "logs", "enabled": true}})
}

func goodListener() *Resource {
	return res(TypeListener, "https", map[string]any{"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
		"defaultActions": []any{map[string]any{"type": "fixed-response"}}})
}

func goodAsg() *Resource {
	return res(TypeAutoscalingGroup, "asg", map[string]any{"healthCheckType": "ELB", "launchTemplate": map[string]any{"id": "lt-id", "version": "1"}})
}

func goodCluster() *Resource {
	c := protected(res(TypeRdsCluster, "db-us-east-1", map[string]any{
		"engine": "aurora-postgresql", "storageEncrypted": true, "kmsKeyId": keyArn, "deletionProtection": true,
		"backupRetentionPeriod": 7, "iamDatabaseAuthenticationEnabled": true, "enabledCloudwatchLogsExports": []any{"postgresql"},
		"performanceInsightsEnabled": true, "performanceInsightsKmsKeyId": keyArn,
		"globalClusterIdentifier": "global-id", "masterUsername": "app", "dbClusterParameterGroupName": "db-us-east-1-params",
	}))
	c.Inputs["masterPassword"] = resource.MakeSecret(resource.NewStringProperty("secret"))
	return c
}

func goodClusterParams(family string, params ...map[string]any) *Resource {
	list := make([]any, 0, len(params))
	for _, p := range params {
		list = append(list, p)
	}
	return res(TypeRdsClusterParams, "db-us-east-1-params", map[string]any{"family": family, "parameters": list, "tags": map[string]any{"Name": "db-params"}})
}

func goodGlobalCluster() *Resource {
	return protected(res(TypeRdsGlobalCluster, "global", map[string]any{"engine": "aurora-postgresql", "storageEncrypted": true, "deletionProtection": true}))
}

func goodSecondary() *Resource {
	c := with(goodCluster(), map[string]any{"masterUsername": nil, "masterPassword": nil})
	c.Name, c.ID, c.URN = "db-us-west-2", "db-us-west-2-id", c.URN+"-west"
	return c
}

func goodInstance() *Resource {
	return res(TypeRdsClusterInstance, "db-1", map[string]any{"publiclyAccessible": false, "performanceInsightsEnabled": true, "performanceInsightsKmsKeyId": keyArn})
}

func goodDistribution() *Resource {
	return res(TypeDistribution, "cdn", map[string]any{
		"webAclId":              "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/x",
		"viewerCertificate":     map[string]any{"acmCertificateArn": "arn:cert", "minimumProtocolVersion": "TLSv1.2_2021", "sslSupportMethod": "sni-only"},
		"defaultCacheBehavior":  map[string]any{"viewerProtocolPolicy": "redirect-to-https", "targetOriginId": "group"},
		"orderedCacheBehaviors": []any{map[string]any{"viewerProtocolPolicy": "https-only", "pathPattern": "/api/*"}},
		"origins": []any{
			map[string]any{"originId": "us-east-1", "customOriginConfig": map[string]any{"originProtocolPolicy": "https-only", "originSslProtocols": []any{"TLSv1.2"}}},
			map[string]any{"originId": "us-west-2", "customOriginConfig": map[string]any{"originProtocolPolicy": "https-only", "originSslProtocols": []any{"TLSv1.2"}}},
		},
		"originGroups": []any{map[string]any{"originId": "group", "failoverCriteria": map[string]any{"statusCodes": []any{500, 502, 503, 504}},
			"members": []any{map[string]any{"originId": "us-east-1"}, map[string]any{"originId": "us-west-2"}}}},
		"loggingConfig": map[string]any{"bucket": "logs.s3.amazonaws.com"},
	})
}

func goodWebAcl() []*Resource {
	acl := res(TypeWebAcl, "acl", map[string]any{"scope": "CLOUDFRONT", "rules": []any{map[string]any{
		"name": "known-bad-inputs", "priority": 1, "overrideAction": map[string]any{"none": map[string]any{}},
		"statement": map[string]any{"managedRuleGroupStatement": map[string]any{"vendorName": "AWS", "name": knownBadInputs}},
	}}})
	acl.Outputs["arn"] = resourceString("arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/x")
	logging := res(TypeWebAclLogging, "acl-logging", map[string]any{"resourceArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/x",
		"logDestinationConfigs": []any{"arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-x"}})
	return []*Resource{acl, logging}
}
