package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/privatebucket"
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
	if args.ElbAccountId != "" {
		elbAccountArn = fmt.Sprintf("arn:%s:iam::%s:root", acct.Partition, args.ElbAccountId)
	}

	bucketName := name + "-alb-logs"
	b, err := privatebucket.New(ctx, bucketName, privatebucket.Args{
		KmsKeyArn:        nil, // SSE-S3: the only encryption ALB log delivery supports
		Versioned:        true,
		ExpireDays:       args.AccessLogRetentionDays,
		ExpirationRuleId: "expire-access-logs",
		ForceDestroy:     !args.DeletionProtection,
		Policy:           func(arn string) iampolicy.Document { return accessLogBucketPolicy(arn, acct, elbAccountArn) },
		Tags:             nameTag(bucketName),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &accessLogs{bucket: b.Bucket, ready: b.Ready}, nil
}
