package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// LogDeliveryPrincipal is the service that writes CloudFront standard logs; a customer-managed key
// on the log bucket must let it generate data keys (CloudFront cannot use the AWS managed S3 key).
const LogDeliveryPrincipal = "delivery.logs.amazonaws.com"

// accessLogBucket is CloudFront's access log bucket and what the distribution must wait for.
type accessLogBucket struct {
	bucket *s3.BucketV2
	ready  []pulumi.Resource
}

// newAccessLogBucket creates the bucket CloudFront standard logging writes to, in us-east-1.
// Standard logging grants the awslogsdelivery account write access through an object ACL, so the
// bucket keeps ACLs enabled with BucketOwnerPreferred ownership (BucketOwnerEnforced would refuse the
// delivery); all public access is blocked, objects are encrypted with a customer-managed KMS key
// (rotation on, protected in prod) whose policy lets the log delivery service generate data keys,
// expire after the retention, and plain HTTP is refused.
func (e *Edge) newAccessLogBucket(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, opts ...pulumi.ResourceOption) (*accessLogBucket, error) {
	bucketName := name + "-cf-logs"
	key, err := kmskey.New(ctx, bucketName+"-key", kmskey.Args{
		Description: "CloudFront access logs of " + name,
		Account:     acct,
		Services: []kmskey.ServiceGrant{{
			Sid:       "CloudFrontLogDeliveryEncrypts",
			Principal: LogDeliveryPrincipal,
			Actions:   []string{"kms:GenerateDataKey*"},
		}},
	}, append(opts, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}
	bucket, err := s3.NewBucketV2(ctx, bucketName, &s3.BucketV2Args{
		ForceDestroy: pulumi.Bool(!args.Protect),
		Tags:         nameTag(bucketName),
	}, opts...)
	if err != nil {
		return nil, err
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, bucketName+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.Bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerPreferred")},
	}, opts...)
	if err != nil {
		return nil, err
	}
	publicAccess, err := s3.NewBucketPublicAccessBlock(ctx, bucketName+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	encryption, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, bucketName+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, bucketName+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                             pulumi.String("expire-access-logs"),
			Status:                         pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.LogRetentionDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(1)},
		}},
	}, opts...); err != nil {
		return nil, err
	}
	policy, err := s3.NewBucketPolicy(ctx, bucketName+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			return iampolicy.New(iampolicy.DenyInsecureTransport(arn)).JSON()
		}).(pulumi.StringOutput),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{publicAccess}))...)
	if err != nil {
		return nil, err
	}
	return &accessLogBucket{bucket: bucket, ready: []pulumi.Resource{ownership, publicAccess, encryption, policy}}, nil
}
