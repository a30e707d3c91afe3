package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/privatebucket"
)

// LogDeliveryPrincipal is the service that writes CloudFront standard logs; a customer-managed key
// on the log bucket must let it generate data keys (CloudFront cannot use the AWS managed S3 key).
const LogDeliveryPrincipal = "delivery.logs.amazonaws.com"

// logDeliveryCondition limits the log delivery service to logs of this account (confused deputy):
// without it, delivery.logs.amazonaws.com could generate data keys for another account's logs
// pointed at this bucket. AWS documents aws:SourceAccount on the delivery.logs grants of vended logs
// (CloudWatch Logs user guide, "Logs sent to Amazon S3", SSE-KMS key policy; CloudFront's standard
// logging guide). aws:SourceArn is left out: its documented form names a CloudWatch Logs delivery
// source (arn:aws:logs:us-east-1:<account>:delivery-source:*), which legacy standard logging, the
// one this bucket receives, does not have.
func logDeliveryCondition(acct kmskey.Account) map[string]map[string]any {
	return map[string]map[string]any{"StringEquals": {"aws:SourceAccount": acct.ID}}
}

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
			Condition: logDeliveryCondition(acct),
		}},
	}, append(opts, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}
	b, err := privatebucket.New(ctx, bucketName, privatebucket.Args{
		ObjectOwnership:  privatebucket.OwnerPreferred,
		KmsKeyArn:        key.Arn,
		ExpireDays:       args.LogRetentionDays,
		ExpirationRuleId: "expire-access-logs",
		ForceDestroy:     !args.Protect,
		Tags:             nameTag(bucketName),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &accessLogBucket{bucket: b.Bucket, ready: b.Ready}, nil
}
