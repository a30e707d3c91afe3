package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// lookupAccount asks provider (not the parent's, which a multi-region component does not have)
// which account, partition and region it deploys to.
func lookupAccount(ctx *pulumi.Context, parent pulumi.Resource, provider *aws.Provider) (kmskey.Account, error) {
	opts := []pulumi.InvokeOption{pulumi.Parent(parent), pulumi.Provider(provider)}
	id, err := aws.GetCallerIdentity(ctx, nil, opts...)
	if err != nil {
		return kmskey.Account{}, fmt.Errorf("caller identity: %w", err)
	}
	part, err := aws.GetPartition(ctx, nil, opts...)
	if err != nil {
		return kmskey.Account{}, fmt.Errorf("partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, opts...)
	if err != nil {
		return kmskey.Account{}, fmt.Errorf("region: %w", err)
	}
	return kmskey.Account{ID: id.AccountId, Partition: part.Partition, Region: region.Name}, nil
}

// nameTag is the Name tag the console shows; everything else comes from the provider's defaultTags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }
