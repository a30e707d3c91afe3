// Package privatebucket creates the private S3 buckets the components write logs and records to:
// every public access path blocked, ownership set, encryption by default, plain HTTP refused, and
// optionally versioned and expiring. Since provider v6 each of those is a resource of its own; this
// package keeps them together, with the ordering AWS needs.
package privatebucket

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// Object ownership settings.
const (
	// OwnerEnforced disables ACLs: the bucket owner owns every object (the default).
	OwnerEnforced = "BucketOwnerEnforced"
	// OwnerPreferred keeps ACLs, for deliveries that grant through an object ACL (CloudFront standard logs).
	OwnerPreferred = "BucketOwnerPreferred"
)

// Args describes one bucket.
type Args struct {
	// ObjectOwnership is OwnerEnforced (when empty) or OwnerPreferred.
	ObjectOwnership string
	// KmsKeyArn encrypts with a customer-managed key (with an S3 bucket key); nil means SSE-S3, which
	// only services that cannot use KMS should get (ALB access logs).
	KmsKeyArn pulumi.StringInput
	// Versioned keeps old versions (expired 7 days after they stop being current).
	Versioned bool
	// ExpireDays expires objects that many days after creation; 0 keeps them.
	ExpireDays int
	// ExpirationRuleId names the expiry lifecycle rule.
	ExpirationRuleId string
	// ForceDestroy lets `pulumi destroy` empty the bucket (never for prod data).
	ForceDestroy bool
	// Policy returns the bucket policy for the bucket's ARN; it must include
	// iampolicy.DenyInsecureTransport. nil means that statement alone.
	Policy func(bucketArn string) iampolicy.Document
	Tags   pulumi.StringMap
}

// Bucket is the bucket and what writers must wait for before their first delivery.
type Bucket struct {
	Bucket *s3.BucketV2
	// Policy is the bucket policy, for writers that must wait only for their grant.
	Policy *s3.BucketPolicy
	// Ready are the ownership, public access block, encryption and policy resources: a service that
	// checks its write access on setup (ELB, CloudFront) must depend on them.
	Ready []pulumi.Resource
}

// New creates the bucket name and its companions name-ownership, name-public-access,
// name-encryption, name-versioning, name-lifecycle and name-policy.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Bucket, error) {
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		Tags:         args.Tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	ownership := args.ObjectOwnership
	if ownership == "" {
		ownership = OwnerEnforced
	}
	owner, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.Bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String(ownership)},
	}, opts...)
	if err != nil {
		return nil, err
	}
	publicAccess, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	encryption, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{encryptionRule(args.KmsKeyArn)},
	}, opts...)
	if err != nil {
		return nil, err
	}
	var versioning []pulumi.Resource
	if args.Versioned {
		v, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
			Bucket:                  bucket.Bucket,
			VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, opts...)
		if err != nil {
			return nil, err
		}
		versioning = append(versioning, v)
	}
	if rules := lifecycleRules(args); len(rules) > 0 {
		// Lifecycle rules on noncurrent versions need versioning to exist first.
		if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
			Bucket: bucket.Bucket,
			Rules:  rules,
		}, append(opts, pulumi.DependsOn(versioning))...); err != nil {
			return nil, err
		}
	}
	document := args.Policy
	if document == nil {
		document = func(arn string) iampolicy.Document { return iampolicy.New(iampolicy.DenyInsecureTransport(arn)) }
	}
	// The policy waits for the public access block and ownership: S3 evaluates a new policy against
	// them, and a delivery grant needs the ACL setting in place.
	policy, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: bucket.Arn.ApplyT(func(arn string) string { return document(arn).JSON() }).(pulumi.StringOutput),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{publicAccess, owner}))...)
	if err != nil {
		return nil, err
	}
	return &Bucket{Bucket: bucket, Policy: policy, Ready: []pulumi.Resource{owner, publicAccess, encryption, policy}}, nil
}

func encryptionRule(key pulumi.StringInput) *s3.BucketServerSideEncryptionConfigurationV2RuleArgs {
	if key == nil {
		return &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}
	}
	return &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: key,
		},
		BucketKeyEnabled: pulumi.Bool(true),
	}
}

// lifecycleRules expires objects after ExpireDays (and, when versioned, old versions after 7 days and
// the delete markers left behind), and always cleans up abandoned multipart uploads.
func lifecycleRules(args Args) s3.BucketLifecycleConfigurationV2RuleArray {
	if args.ExpireDays <= 0 {
		return nil
	}
	id := args.ExpirationRuleId
	if id == "" {
		id = "expire-objects"
	}
	all := &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")}
	expire := &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:                             pulumi.String(id),
		Status:                         pulumi.String("Enabled"),
		Filter:                         all,
		Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.ExpireDays)},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(1)},
	}
	if !args.Versioned {
		return s3.BucketLifecycleConfigurationV2RuleArray{expire}
	}
	expire.NoncurrentVersionExpiration = &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(7)}
	return s3.BucketLifecycleConfigurationV2RuleArray{
		expire,
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("remove-expired-delete-markers"),
			Status:     pulumi.String("Enabled"),
			Filter:     all,
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
		},
	}
}
