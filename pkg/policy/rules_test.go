package policy

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type ruleCase struct {
	rule      string
	name      string
	resources []*Resource
	fails     bool
}

func pass(rule, name string, rs ...*Resource) ruleCase { return ruleCase{rule, name, rs, false} }
func fail(rule, name string, rs ...*Resource) ruleCase { return ruleCase{rule, name, rs, true} }

func join(groups ...[]*Resource) []*Resource {
	var out []*Resource
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// replaceAt returns rs with the element at i replaced.
func replaceAt(rs []*Resource, i int, r *Resource) []*Resource {
	out := append([]*Resource(nil), rs...)
	out[i] = r
	return out
}

func ruleCases() []ruleCase {
	bucket := goodBucket("data")
	sse := func(alg string) *Resource {
		return with(bucket[1], map[string]any{"rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": alg}}}})
	}
	albLogs := with(goodAlb(), map[string]any{"accessLogs": map[string]any{"bucket": "data", "enabled": true}})
	sgs := goodSecurityGroup()
	vpc := goodVpc()
	acl := goodWebAcl()
	lt := goodLaunchTemplate()
	dist := goodDistribution()
	noLogging := with(dist, map[string]any{"loggingConfig": nil})
	deliverySource := res(TypeLogDeliverySource, "cdn-logs-source", map[string]any{"logType": "ACCESS_LOGS", "resourceArn": "cdn-id", "name": "cdn-logs"})
	delivery := res(TypeLogDelivery, "cdn-logs", map[string]any{"deliverySourceName": "cdn-logs", "deliveryDestinationArn": "arn:dest"})
	httpListener := res(TypeListener, "http", map[string]any{"protocol": "HTTP", "port": 80,
		"defaultActions": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}}})
	knownBad := func(rule map[string]any) *Resource { return with(acl[0], map[string]any{"rules": []any{rule}}) }
	statement := map[string]any{"managedRuleGroupStatement": map[string]any{"vendorName": "AWS", "name": knownBadInputs}}

	return []ruleCase{
		pass("kms-key-rotation", "rotating key", goodKey()),
		pass("kms-key-rotation", "asymmetric keys cannot rotate", with(goodKey(), map[string]any{"enableKeyRotation": nil, "customerMasterKeySpec": "RSA_2048"})),
		fail("kms-key-rotation", "rotation off", with(goodKey(), map[string]any{"enableKeyRotation": false})),

		pass("sns-topic-encrypted", "CMK", res(TypeSnsTopic, "t", map[string]any{"kmsMasterKeyId": keyArn})),
		fail("sns-topic-encrypted", "unencrypted", res(TypeSnsTopic, "t", map[string]any{})),
		fail("sns-topic-encrypted", "AWS-managed key", res(TypeSnsTopic, "t", map[string]any{"kmsMasterKeyId": "alias/aws/sns"})),

		pass("log-group-encrypted", "CMK", res(TypeLogGroup, "lg", map[string]any{"kmsKeyId": keyArn})),
		fail("log-group-encrypted", "unencrypted", res(TypeLogGroup, "lg", map[string]any{"retentionInDays": 30})),

		pass("secret-encrypted", "CMK", res(TypeSecret, "s", map[string]any{"kmsKeyId": keyArn})),
		fail("secret-encrypted", "default key", res(TypeSecret, "s", map[string]any{})),

		pass("ebs-encrypted", "volume with CMK", res(TypeEbsVolume, "v", map[string]any{"encrypted": true, "kmsKeyId": keyArn})),
		fail("ebs-encrypted", "unencrypted volume", res(TypeEbsVolume, "v", map[string]any{"kmsKeyId": keyArn})),
		pass("ebs-encrypted", "instance", res(TypeInstance, "i", map[string]any{"rootBlockDevice": map[string]any{"encrypted": true}})),
		fail("ebs-encrypted", "instance data volume", res(TypeInstance, "i", map[string]any{"rootBlockDevice": map[string]any{"encrypted": true},
			"ebsBlockDevices": []any{map[string]any{"encrypted": false}}})),

		pass("s3-bucket-encrypted", "CMK", bucket...),
		fail("s3-bucket-encrypted", "no configuration", bucket[0]),
		fail("s3-bucket-encrypted", "SSE-S3 on a data bucket", replaceAt(bucket, 1, sse("AES256"))...),
		pass("s3-bucket-encrypted", "SSE-S3 on the ALB log bucket", append(replaceAt(bucket, 1, sse("AES256")), albLogs)...),
		fail("s3-bucket-encrypted", "aws:kms with the AWS-managed key", replaceAt(bucket, 1, sse("aws:kms"))...),

		pass("s3-bucket-public-access-blocked", "all four on", bucket...),
		fail("s3-bucket-public-access-blocked", "missing", bucket[0]),
		fail("s3-bucket-public-access-blocked", "one off", replaceAt(bucket, 2, with(bucket[2], map[string]any{"restrictPublicBuckets": false}))...),
		fail("s3-bucket-public-access-blocked", "block of another bucket", bucket[0], with(bucket[2], map[string]any{"bucket": "other-id"})),

		pass("s3-bucket-tls-only", "deny without TLS", bucket...),
		fail("s3-bucket-tls-only", "no policy", bucket[0]),
		fail("s3-bucket-tls-only", "policy allows only", replaceAt(bucket, 3, with(bucket[3], map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`}))...),

		pass("security-group-no-public-ingress", "referenced group", sgs...),
		pass("security-group-no-public-ingress", "egress to anywhere", res(TypeEgressRule, "e", map[string]any{"cidrIpv4": "0.0.0.0/0", "description": "https out"})),
		fail("security-group-no-public-ingress", "standalone 0.0.0.0/0", with(sgs[1], map[string]any{"referencedSecurityGroupId": nil, "cidrIpv4": "0.0.0.0/0"})),
		fail("security-group-no-public-ingress", "standalone ::/0", with(sgs[1], map[string]any{"referencedSecurityGroupId": nil, "cidrIpv6": "::/0"})),
		fail("security-group-no-public-ingress", "legacy rule", res(TypeSecurityGroupRule, "r", map[string]any{"type": "ingress", "cidrBlocks": []any{"0.0.0.0/0"}, "description": "x"})),
		fail("security-group-no-public-ingress", "inline", with(sgs[0], map[string]any{"ingress": []any{map[string]any{"cidrBlocks": []any{"0.0.0.0/0"}, "description": "x"}}})),

		pass("security-group-rule-description", "described", sgs...),
		fail("security-group-rule-description", "standalone without", with(sgs[1], map[string]any{"description": nil})),
		fail("security-group-rule-description", "inline without", with(sgs[0], map[string]any{"egress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/16"}}}})),

		pass("security-group-no-mixed-rules", "standalone only", sgs...),
		pass("security-group-no-mixed-rules", "inline only", with(sgs[0], map[string]any{"egress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/16"}, "description": "x"}}})),
		fail("security-group-no-mixed-rules", "both", with(sgs[0], map[string]any{"egress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/16"}, "description": "x"}}}), sgs[1]),

		pass("vpc-flow-logs", "flow log", vpc...),
		fail("vpc-flow-logs", "none", vpc[0], vpc[2]),
		fail("vpc-flow-logs", "flow log of another VPC", vpc[0], with(vpc[1], map[string]any{"vpcId": "other-id"})),

		pass("vpc-default-security-group-closed", "adopted without rules", vpc...),
		fail("vpc-default-security-group-closed", "not adopted", vpc[0], vpc[1]),
		fail("vpc-default-security-group-closed", "default group with a rule", vpc[0], vpc[1],
			with(vpc[2], map[string]any{"ingress": []any{map[string]any{"self": true, "protocol": "-1", "description": "x"}}})),

		pass("launch-template-imdsv2", "required, hop 1", lt),
		fail("launch-template-imdsv2", "optional tokens", with(lt, map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional", "httpPutResponseHopLimit": 1}})),
		fail("launch-template-imdsv2", "hop limit 2", with(lt, map[string]any{"metadataOptions": map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 2}})),
		fail("launch-template-imdsv2", "unset", with(lt, map[string]any{"metadataOptions": nil})),

		pass("launch-template-no-public-ip", "private", lt),
		fail("launch-template-no-public-ip", "public IP", with(lt, map[string]any{"networkInterfaces": []any{map[string]any{"associatePublicIpAddress": "true"}}})),
		fail("launch-template-no-public-ip", "SSH key", with(lt, map[string]any{"keyName": "ops"})),

		pass("launch-template-encrypted-volumes", "encrypted with CMK", lt),
		fail("launch-template-encrypted-volumes", "no mappings", with(lt, map[string]any{"blockDeviceMappings": nil})),
		fail("launch-template-encrypted-volumes", "unencrypted", with(lt, map[string]any{"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"encrypted": "false", "kmsKeyId": keyArn}}}})),
		fail("launch-template-encrypted-volumes", "default key", with(lt, map[string]any{"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"encrypted": "true"}}}})),

		pass("alb-hardened", "hardened", goodAlb()),
		pass("alb-hardened", "network load balancer", res(TypeLoadBalancer, "nlb", map[string]any{"loadBalancerType": "network"})),
		fail("alb-hardened", "keeps invalid headers", with(goodAlb(), map[string]any{"dropInvalidHeaderFields": false})),
		fail("alb-hardened", "no access logs", with(goodAlb(), map[string]any{"accessLogs": map[string]any{"bucket": "logs", "enabled": false}})),

		pass("alb-deletion-protection-prod", "prod protected", goodAlb()),
		pass("alb-deletion-protection-prod", "staging may skip", staging(with(goodAlb(), map[string]any{"enableDeletionProtection": false}))),
		fail("alb-deletion-protection-prod", "prod unprotected", with(goodAlb(), map[string]any{"enableDeletionProtection": false})),

		pass("alb-zonal-shift", "zonal shift allowed", goodAlb()),
		pass("alb-zonal-shift", "gateway load balancers have no zonal shift", res(TypeLoadBalancer, "gwlb", map[string]any{"loadBalancerType": "gateway"})),
		fail("alb-zonal-shift", "zonal shift off", with(goodAlb(), map[string]any{"enableZonalShift": false})),
		fail("alb-zonal-shift", "zonal shift unset (AWS default off)", with(goodAlb(), map[string]any{"enableZonalShift": nil})),
		fail("alb-zonal-shift", "network load balancer without it", res(TypeLoadBalancer, "nlb", map[string]any{"loadBalancerType": "network"})),

		pass("listener-tls13", "TLS 1.3 policy", goodListener()),
		pass("listener-tls13", "PQ TLS 1.3 policy", with(goodListener(), map[string]any{"sslPolicy": "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"})),
		fail("listener-tls13", "2016 policy", with(goodListener(), map[string]any{"sslPolicy": "ELBSecurityPolicy-2016-08"})),
		fail("listener-tls13", "policy unset", with(goodListener(), map[string]any{"sslPolicy": nil})),

		pass("listener-http-redirect-only", "redirect", httpListener),
		fail("listener-http-redirect-only", "HTTP forwards", with(httpListener, map[string]any{"defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": "tg"}}})),
		fail("listener-http-redirect-only", "HTTP listener rule forwards", httpListener,
			res(TypeListenerRule, "r", map[string]any{"listenerArn": "http-id", "actions": []any{map[string]any{"type": "forward"}}})),

		pass("asg-elb-health-launch-template", "ELB + LT", goodAsg()),
		fail("asg-elb-health-launch-template", "EC2 health", with(goodAsg(), map[string]any{"healthCheckType": "EC2"})),
		fail("asg-elb-health-launch-template", "launch configuration", with(goodAsg(), map[string]any{"launchTemplate": nil, "launchConfiguration": "lc"})),

		pass("aurora-storage-encrypted", "CMK", goodCluster(), goodGlobalCluster()),
		fail("aurora-storage-encrypted", "unencrypted cluster", with(goodCluster(), map[string]any{"storageEncrypted": false})),
		fail("aurora-storage-encrypted", "default key", with(goodCluster(), map[string]any{"kmsKeyId": nil})),
		fail("aurora-storage-encrypted", "unencrypted global cluster", with(goodGlobalCluster(), map[string]any{"storageEncrypted": nil})),

		pass("aurora-deletion-protection-prod", "protected", goodCluster(), goodGlobalCluster()),
		pass("aurora-deletion-protection-prod", "staging", staging(with(goodCluster(), map[string]any{"deletionProtection": false}))),
		fail("aurora-deletion-protection-prod", "prod cluster", with(goodCluster(), map[string]any{"deletionProtection": false})),
		fail("aurora-deletion-protection-prod", "prod global cluster", with(goodGlobalCluster(), map[string]any{"deletionProtection": nil})),

		pass("aurora-backup-retention", "7 days", goodCluster()),
		fail("aurora-backup-retention", "AWS default of 1 day", with(goodCluster(), map[string]any{"backupRetentionPeriod": nil})),
		fail("aurora-backup-retention", "3 days", with(goodCluster(), map[string]any{"backupRetentionPeriod": 3})),

		pass("aurora-iam-auth", "on", goodCluster()),
		fail("aurora-iam-auth", "off", with(goodCluster(), map[string]any{"iamDatabaseAuthenticationEnabled": nil})),

		pass("aurora-log-exports", "postgresql log", goodCluster()),
		fail("aurora-log-exports", "none", with(goodCluster(), map[string]any{"enabledCloudwatchLogsExports": []any{}})),

		pass("aurora-not-public", "private", goodInstance()),
		fail("aurora-not-public", "public", with(goodInstance(), map[string]any{"publiclyAccessible": true})),

		pass("aurora-tls-required", "own group", goodCluster()),
		pass("aurora-tls-required", "postgres force_ssl", goodClusterParams("aurora-postgresql16", map[string]any{"name": "rds.force_ssl", "value": "1", "applyMethod": "immediate"})),
		pass("aurora-tls-required", "mysql secure transport", goodClusterParams("aurora-mysql8.0", map[string]any{"name": "require_secure_transport", "value": "ON"})),
		pass("aurora-tls-required", "group name unknown in a preview", with(goodCluster(), map[string]any{"dbClusterParameterGroupName": resource.MakeComputed(resource.NewStringProperty(""))})),
		pass("aurora-tls-required", "not Aurora", goodClusterParams("postgres16")),
		fail("aurora-tls-required", "default group", with(goodCluster(), map[string]any{"dbClusterParameterGroupName": "default.aurora-postgresql16"})),
		fail("aurora-tls-required", "no group", with(goodCluster(), map[string]any{"dbClusterParameterGroupName": nil})),
		fail("aurora-tls-required", "postgres without force_ssl", goodClusterParams("aurora-postgresql16", map[string]any{"name": "ssl_min_protocol_version", "value": "TLSv1.2"})),
		fail("aurora-tls-required", "postgres force_ssl off", goodClusterParams("aurora-postgresql16", map[string]any{"name": "rds.force_ssl", "value": "0"})),
		fail("aurora-tls-required", "mysql secure transport off", goodClusterParams("aurora-mysql8.0", map[string]any{"name": "require_secure_transport", "value": "OFF"})),

		pass("backup-vault-encrypted", "CMK", res(TypeBackupVault, "v", map[string]any{"kmsKeyArn": keyArn})),
		fail("backup-vault-encrypted", "default key", res(TypeBackupVault, "v", map[string]any{})),
		fail("backup-vault-encrypted", "AWS-managed key", res(TypeBackupVault, "v", map[string]any{"kmsKeyArn": "alias/aws/backup"})),

		pass("config-delivery-encrypted", "CMK", res(TypeConfigDelivery, "c", map[string]any{"s3BucketName": "b", "s3KmsKeyArn": keyArn})),
		fail("config-delivery-encrypted", "SSE-S3 only", res(TypeConfigDelivery, "c", map[string]any{"s3BucketName": "b"})),

		pass("aurora-performance-insights-encrypted", "CMK", goodCluster(), goodInstance()),
		pass("aurora-performance-insights-encrypted", "off", with(goodInstance(), map[string]any{"performanceInsightsEnabled": false, "performanceInsightsKmsKeyId": nil})),
		fail("aurora-performance-insights-encrypted", "instance default key", with(goodInstance(), map[string]any{"performanceInsightsKmsKeyId": nil})),
		fail("aurora-performance-insights-encrypted", "cluster default key", with(goodCluster(), map[string]any{"performanceInsightsKmsKeyId": "alias/aws/rds"})),

		pass("aurora-global-secondary-no-credentials", "primary only", goodGlobalCluster(), goodCluster(), goodSecondary()),
		fail("aurora-global-secondary-no-credentials", "secondary with username", goodGlobalCluster(), goodCluster(), with(goodSecondary(), map[string]any{"masterUsername": "app"})),
		fail("aurora-global-secondary-no-credentials", "managed password", goodGlobalCluster(), with(goodCluster(), map[string]any{"masterPassword": nil, "manageMasterUserPassword": true})),

		pass("cloudfront-waf", "attached", dist),
		fail("cloudfront-waf", "missing", with(dist, map[string]any{"webAclId": nil})),

		pass("cloudfront-viewer-tls", "TLSv1.2_2021, https", dist),
		fail("cloudfront-viewer-tls", "TLSv1", with(dist, map[string]any{"viewerCertificate": map[string]any{"acmCertificateArn": "a", "minimumProtocolVersion": "TLSv1"}})),
		fail("cloudfront-viewer-tls", "default certificate", with(dist, map[string]any{"viewerCertificate": map[string]any{"cloudfrontDefaultCertificate": true}})),
		fail("cloudfront-viewer-tls", "allow-all", with(dist, map[string]any{"defaultCacheBehavior": map[string]any{"viewerProtocolPolicy": "allow-all"}})),
		fail("cloudfront-viewer-tls", "ordered allow-all", with(dist, map[string]any{"orderedCacheBehaviors": []any{map[string]any{"viewerProtocolPolicy": "allow-all"}}})),

		pass("cloudfront-origin-tls", "https-only TLSv1.2", dist),
		fail("cloudfront-origin-tls", "match-viewer", with(dist, map[string]any{"origins": []any{map[string]any{"customOriginConfig": map[string]any{"originProtocolPolicy": "match-viewer", "originSslProtocols": []any{"TLSv1.2"}}}}})),
		fail("cloudfront-origin-tls", "TLSv1.1", with(dist, map[string]any{"origins": []any{map[string]any{"customOriginConfig": map[string]any{"originProtocolPolicy": "https-only", "originSslProtocols": []any{"TLSv1.1", "TLSv1.2"}}}}})),

		pass("cloudfront-origin-failover", "group of two", dist),
		fail("cloudfront-origin-failover", "no group", with(dist, map[string]any{"originGroups": nil})),
		fail("cloudfront-origin-failover", "no status codes", with(dist, map[string]any{"originGroups": []any{map[string]any{"members": []any{map[string]any{"originId": "a"}, map[string]any{"originId": "b"}}}}})),

		pass("cloudfront-logging", "legacy logging", dist),
		pass("cloudfront-logging", "log delivery", noLogging, deliverySource, delivery),
		fail("cloudfront-logging", "none", noLogging),
		fail("cloudfront-logging", "source without delivery", noLogging, deliverySource),

		pass("waf-known-bad-inputs", "present, none override", acl...),
		fail("waf-known-bad-inputs", "absent", knownBad(map[string]any{"name": "rate", "statement": map[string]any{"rateBasedStatement": map[string]any{"limit": 1000}}})),
		fail("waf-known-bad-inputs", "count", knownBad(map[string]any{"name": "kbi", "overrideAction": map[string]any{"count": map[string]any{}}, "statement": statement})),
		fail("waf-known-bad-inputs", "Log4j rule set to count", knownBad(map[string]any{"name": "kbi", "overrideAction": map[string]any{"none": map[string]any{}},
			"statement": map[string]any{"managedRuleGroupStatement": map[string]any{"vendorName": "AWS", "name": knownBadInputs,
				"ruleActionOverrides": []any{map[string]any{"name": "Log4JRCE_BODY", "actionToUse": map[string]any{"count": map[string]any{}}}}}}})),

		pass("waf-logging", "configured", acl...),
		fail("waf-logging", "missing", acl[0]),

		pass("required-tags", "provider default tags", goodKey()),
		pass("required-tags", "own tags without provider tags", func() *Resource {
			r := with(goodKey(), map[string]any{"tags": map[string]any{"Project": "p", "Environment": "prod", "ManagedBy": "pulumi"}})
			r.Provider = &Provider{Name: "aws"}
			return r
		}()),
		pass("required-tags", "untaggable type", func() *Resource { r := res(TypeRoute, "r", nil); r.Provider = nil; return r }()),
		fail("required-tags", "no default tags", func() *Resource { r := goodKey(); r.Provider = &Provider{Name: "aws"}; return r }()),
		fail("required-tags", "empty Environment", with(goodKey(), map[string]any{"tags": map[string]any{"Environment": ""}})),

		pass("iam-least-privilege", "named actions, deny with s3:*", res(TypeIamRolePolicy, "p", map[string]any{"policy": `{"Statement":[
			{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`}),
			res(TypeIamRolePolicyAttach, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"})),
		fail("iam-least-privilege", "service wildcard", res(TypeIamPolicy, "p", map[string]any{"policy": `{"Statement":{"Effect":"Allow","Action":"rds:*","Resource":"*"}}`})),
		fail("iam-least-privilege", "everything in an inline role policy", res(TypeIamRole, "r", map[string]any{"inlinePolicies": []any{map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":"*"}]}`}}})),
		fail("iam-least-privilege", "NotAction", res(TypeIamRolePolicy, "p", map[string]any{"policy": `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`})),
		pass("iam-least-privilege", "the permissions boundary", res(TypeIamPolicy, "b", map[string]any{"name": "multi-region-ha-prod-boundary", "policy": `{"Statement":[
			{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["iam:*","organizations:*"],"Resource":["*"]}]}`})),
		pass("iam-least-privilege", "the boundary that allows IAM reads and a conditioned PassRole", res(TypeIamPolicy, "b", map[string]any{"name": "multi-region-ha-prod-boundary", "policy": `{"Statement":[
			{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":["*"]},{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":["*"]},
			{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::1:role/p-*"],"Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}`})),
		fail("iam-least-privilege", "a boundary whose NotAction lets IAM through", res(TypeIamPolicy, "b", map[string]any{"name": "x-boundary", "policy": `{"Statement":[
			{"Effect":"Allow","NotAction":["organizations:*"],"Resource":["*"]}]}`})),
		fail("iam-least-privilege", "a boundary that allows an IAM write", res(TypeIamPolicy, "b", map[string]any{"name": "x-boundary", "policy": `{"Statement":[
			{"Effect":"Allow","NotAction":["iam:*"],"Resource":["*"]},{"Effect":"Allow","Action":["iam:CreateRole"],"Resource":["*"]}]}`})),
		fail("iam-least-privilege", "a boundary with an unconditioned PassRole", res(TypeIamPolicy, "b", map[string]any{"name": "x-boundary", "policy": `{"Statement":[
			{"Effect":"Allow","NotAction":["iam:*"],"Resource":["*"]},{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["*"]}]}`})),
		fail("iam-least-privilege", "a boundary name without the IAM deny", res(TypeIamPolicy, "b", map[string]any{"name": "x-boundary", "policy": `{"Statement":[
			{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`})),
		fail("iam-least-privilege", "AdministratorAccess", res(TypeIamRolePolicyAttach, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})),

		// The CloudFront log key as it was: delivery.logs may generate data keys for anyone's logs.
		fail("service-principal-source-condition", "CloudFront log key without a source condition", with(goodKey(), map[string]any{"policy": `{"Statement":[
			{"Sid":"CloudFrontLogDeliveryEncrypts","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["kms:GenerateDataKey*"],"Resource":"*"}]}`})),
		fail("service-principal-source-condition", "topic key grant to CloudWatch", with(goodKey(), map[string]any{"policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"Service":["cloudwatch.amazonaws.com"]},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*"}]}`})),
		fail("service-principal-source-condition", "topic policy publishing for any account", res(TypeSnsTopicPolicy, "tp", map[string]any{"arn": "arn:aws:sns:us-east-1:123456789012:t", "policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"Service":"budgets.amazonaws.com"},"Action":"sns:Publish","Resource":"*"}]}`})),
		fail("service-principal-source-condition", "IfExists lets the deputy through", res(TypeBucketPolicy, "bp", map[string]any{"bucket": "b", "policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}}]}`})),
		fail("service-principal-source-condition", "the logs encryption context counts for CloudWatch Logs only", with(goodKey(), map[string]any{"policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-east-1:123456789012:*"}}}]}`})),
		pass("service-principal-source-condition", "source account and ARN", with(goodKey(), map[string]any{"policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},
			{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}},
			{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"}}},
			{"Effect":"Deny","Principal":{"Service":"sns.amazonaws.com"},"Action":"kms:*","Resource":"*"}]}`})),
		pass("service-principal-source-condition", "CloudWatch Logs through its encryption context", with(goodKey(), map[string]any{"policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":"kms:Encrypt*","Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-east-1:123456789012:log-group:*"}}}]}`})),
		pass("service-principal-source-condition", "ELB log delivery, documented without a condition", res(TypeBucketPolicy, "bp", map[string]any{"bucket": "b", "policy": `{"Statement":[
			{"Effect":"Allow","Principal":{"Service":"logdelivery.elasticloadbalancing.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/AWSLogs/123456789012/*"}]}`})),

		pass("secrets-are-secret", "secret password", goodCluster(), goodSecondary()),
		pass("secrets-are-secret", "plain String parameter", res("aws:ssm/parameter:Parameter", "p", map[string]any{"type": "String", "value": "v"})),
		fail("secrets-are-secret", "plain password", with(goodCluster(), map[string]any{"masterPassword": "plain"})),
		fail("secrets-are-secret", "plain SecureString", res("aws:ssm/parameter:Parameter", "p", map[string]any{"type": "SecureString", "value": "v"})),

		pass("protect-stateful-prod", "protected key", goodKey()),
		pass("protect-stateful-prod", "staging", staging(res(TypeKmsKey, "k", map[string]any{"enableKeyRotation": true}))),
		fail("protect-stateful-prod", "prod key", res(TypeKmsKey, "k", map[string]any{"enableKeyRotation": true})),
		fail("protect-stateful-prod", "prod cluster", func() *Resource { c := goodCluster(); c.Protect = false; return c }()),

		pass("iam-trust-only-services-and-this-stack", "service with source account", trustOf(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": map[string]any{"Service": "states.amazonaws.com"}, "Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}})),
		fail("iam-trust-only-services-and-this-stack", "another account", trustOf(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": map[string]any{"AWS": "arn:aws:iam::210987654321:root"}})),
		pass("iam-match-by-path", "the stack's path", res(TypeIamRolePolicy, "p", map[string]any{"policy": doc(map[string]any{"Effect": "Allow", "Action": "iam:PassRole",
			"Resource": "arn:aws:iam::123456789012:role/multi-region-ha/prod/*"})})),
		fail("iam-match-by-path", "a name prefix", res(TypeIamRolePolicy, "p", map[string]any{"policy": doc(map[string]any{"Effect": "Allow", "Action": "iam:PassRole",
			"Resource": "arn:aws:iam::123456789012:role/multi-region-ha-prod-*"})})),
	}
}

func TestEachRuleFailsAndPassesItsExamples(t *testing.T) {
	for _, tc := range ruleCases() {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			got := rulesNamed(Check(tc.resources), tc.rule)
			if tc.fails {
				assert.NotEmpty(t, got, "the rule must fire")
				for _, v := range got {
					assert.NotEmpty(t, v.Message)
					assert.NotEmpty(t, v.URN)
				}
			} else {
				assert.Empty(t, names(got))
			}
		})
	}
}

// A rule without its own failing and passing example could never fire unnoticed.
func TestEveryRuleHasAFailingAndAPassingExample(t *testing.T) {
	fails, passes := map[string]bool{}, map[string]bool{}
	for _, tc := range ruleCases() {
		if tc.fails {
			fails[tc.rule] = true
		} else {
			passes[tc.rule] = true
		}
	}
	seen := map[string]bool{}
	check := func(name, description string) {
		assert.False(t, seen[name], "rule name %s is used twice", name)
		seen[name] = true
		assert.NotEmpty(t, description, name)
		assert.True(t, fails[name], "%s has no failing example", name)
		assert.True(t, passes[name], "%s has no passing example", name)
	}
	for _, r := range Rules() {
		check(r.Name, r.Description)
		require.NotNil(t, r.Check, r.Name)
	}
	for _, r := range StackRules() {
		check(r.Name, r.Description)
		require.NotNil(t, r.Check, r.Name)
	}
	for name := range fails {
		assert.True(t, seen[name], "example for unknown rule %s", name)
	}
}

// Every compliant fixture together passes every rule: the fixtures are a consistent stack.
func TestCompliantFixturesPassEveryRule(t *testing.T) {
	all := join(goodBucket("data"), goodSecurityGroup(), goodVpc(), goodWebAcl(), []*Resource{
		goodKey(), goodLaunchTemplate(), goodAlb(), goodListener(), goodAsg(), goodGlobalCluster(), goodCluster(),
		goodSecondary(), goodInstance(), goodDistribution(),
		goodClusterParams("aurora-postgresql16", map[string]any{"name": "rds.force_ssl", "value": "1"}),
	})
	assert.Empty(t, names(Check(all)))
}
