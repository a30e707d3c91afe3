package privatebucket

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

func runBucket(t *testing.T, args Args) *offline.Mocks {
	t.Helper()
	return offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-eu-west-1", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		_, err = New(ctx, "logs", args, pulumi.Provider(p))
		return err
	})
}

func TestDefaultsArePrivateSseS3AndTlsOnly(t *testing.T) {
	m := runBucket(t, Args{})
	pab := m.Named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-public-access")
	require.NotNil(t, pab)
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, pab.Bool(k), k)
	}
	assert.Equal(t, OwnerEnforced, m.Named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "logs-ownership").Str("rule.objectOwnership"))
	enc := m.Named("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "logs-encryption")
	assert.Equal(t, "AES256", enc.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
	policy := m.Named("aws:s3/bucketPolicy:BucketPolicy", "logs-policy")
	assert.Contains(t, policy.Str("policy"), `"aws:SecureTransport":"false"`)
	assert.True(t, policy.DependsOn(pab), "the policy waits for the public access block")
	assert.Nil(t, m.Named("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "logs-lifecycle"), "no expiry unless asked")
	assert.Nil(t, m.Named("aws:s3/bucketVersioningV2:BucketVersioningV2", "logs-versioning"))
	assert.False(t, m.Named("aws:s3/bucketV2:BucketV2", "logs").Bool("forceDestroy"))
}

func TestKmsVersionedAndExpiring(t *testing.T) {
	m := runBucket(t, Args{
		ObjectOwnership: OwnerPreferred, KmsKeyArn: pulumi.String("arn:aws:kms:eu-west-1:123456789012:key/k"),
		Versioned: true, ExpireDays: 30, ExpirationRuleId: "expire-access-logs",
	})
	enc := m.Named("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "logs-encryption")
	assert.Equal(t, "aws:kms", enc.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
	assert.Equal(t, "arn:aws:kms:eu-west-1:123456789012:key/k", enc.Str("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"))
	assert.True(t, enc.Bool("rules[0].bucketKeyEnabled"))
	assert.Equal(t, OwnerPreferred, m.Named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "logs-ownership").Str("rule.objectOwnership"))

	lifecycle := m.Named("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "logs-lifecycle")
	require.NotNil(t, lifecycle)
	assert.Equal(t, "expire-access-logs", lifecycle.Str("rules[0].id"))
	assert.Equal(t, 30.0, lifecycle.Num("rules[0].expiration.days"))
	assert.Equal(t, 7.0, lifecycle.Num("rules[0].noncurrentVersionExpiration.noncurrentDays"))
	assert.True(t, lifecycle.Bool("rules[1].expiration.expiredObjectDeleteMarker"))
	assert.True(t, lifecycle.DependsOn(m.Named("aws:s3/bucketVersioningV2:BucketVersioningV2", "logs-versioning")))
}
