package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// accessLogs is the ALB's access log bucket and the resources the ALB must wait for.
type accessLogs struct {
	bucket *s3.BucketV2
	ready  []pulumi.Resource // policy and encryption: ELB checks it can write before enabling logs
}

// newAccessLogBucket creates the per-region bucket for ALB access logs. ALB log delivery supports only
// SSE-S3, so the bucket uses S3-managed keys (not KMS); ACLs are disabled, public access is blocked,
// objects are versioned and expire after the retention, and plain HTTP is refused.
func (c *Compute) newAccessLogBucket(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, opts ...pulumi.ResourceOption) (*accessLogs, error) {
	elbAccountArn := ""
	if usesElbAccount(acct.Region) {
		sa, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}, pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("look up the ELB account of %s: %w", acct.Region, err)
		}
		elbAccountArn = sa.Arn
	}

	bucketName := name + "-alb-logs"
	bucket, err := s3.NewBucketV2(ctx, bucketName, &s3.BucketV2Args{
		ForceDestroy: pulumi.Bool(!args.DeletionProtection),
		Tags:         nameTag(bucketName),
	}, opts...)
	if err != nil {
		return nil, err
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, bucketName+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.Bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
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
				SseAlgorithm: pulumi.String("AES256"), // SSE-S3: the only encryption ALB log delivery supports
			},
		}},
	}, opts...)
	if err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, bucketName+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, bucketName+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:                             pulumi.String("expire-access-logs"),
				Status:                         pulumi.String("Enabled"),
				Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.AccessLogRetentionDays)},
				NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(7)},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(1)},
			},
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:         pulumi.String("remove-expired-delete-markers"),
				Status:     pulumi.String("Enabled"),
				Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
			},
		},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
		return nil, err
	}
	policy, err := s3.NewBucketPolicy(ctx, bucketName+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: bucket.Arn.ApplyT(func(arn string) string {
			return accessLogBucketPolicy(arn, acct, elbAccountArn).JSON()
		}).(pulumi.StringOutput),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{publicAccess, ownership}))...)
	if err != nil {
		return nil, err
	}
	return &accessLogs{bucket: bucket, ready: []pulumi.Resource{policy, encryption, ownership}}, nil
}
