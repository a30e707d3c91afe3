package liveops

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// AWSConfig loads the SDK's default configuration (environment, shared profile, SSO, instance
// role) with its logger silenced: the SDK otherwise writes lines such as `WARN falling back to
// IMDSv1` to the process's stderr, outside the command's own output. region may be "" (each
// client sets its own).
func AWSConfig(ctx context.Context, region string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, cli.NotReady("AWS configuration: %v; %s", err, cli.CredentialsHelp)
	}
	return cfg, nil
}

// Identity is cli.IdentityFunc over STS clients of cfg.
func Identity(cfg aws.Config) cli.IdentityFunc {
	return func(ctx context.Context, region string) (string, error) {
		out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Region = region }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Account), nil
	}
}
