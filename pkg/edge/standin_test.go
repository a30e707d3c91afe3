package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newStandIn is a resource that consumes a certificate ARN and yields an "ALB DNS name", the way
// compute's listener consumes the regional certificate and its ALB feeds the edge.
func newStandIn(ctx *pulumi.Context, name string, certArn pulumi.StringInput, p *aws.Provider) (pulumi.StringOutput, error) {
	param, err := ssm.NewParameter(ctx, name, &ssm.ParameterArgs{
		Type:  pulumi.String("String"),
		Value: certArn,
	}, pulumi.Provider(p))
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return param.Name.ApplyT(func(n string) string { return n + ".elb.amazonaws.com" }).(pulumi.StringOutput), nil
}
