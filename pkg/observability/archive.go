package observability

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Access Analyzer filter keys for a principal (IAM user guide, "IAM Access Analyzer filter keys"):
// an account id or ARN of an AWS principal, or the ARN of a federated identity provider. There is
// no key for a service principal.
const (
	PrincipalAWS       = "principal.AWS"
	PrincipalFederated = "principal.Federated"
)

// IntendedAccess is one finding the program intends: Resource (an ARN) open to exactly Principals
// under PrincipalKey. Its archive rule matches on both, the narrowest filter Access Analyzer
// offers, so the same resource opened to anyone else, or another resource opened to the same
// principal, still pages.
type IntendedAccess struct {
	// Name ends the archive rule's name (<stack>-<name>): letters, digits, '.', '_' and '-'.
	Name string
	// Region limits the rule to one region's analyzer (a regional resource such as a bucket); ""
	// puts it on every region's analyzer (IAM is global: a role's trust may be reported anywhere).
	Region string
	// Resource is the ARN of the resource in the finding.
	Resource pulumi.StringInput
	// PrincipalKey is PrincipalAWS or PrincipalFederated; Principals its exact values (any of).
	PrincipalKey string
	Principals   []string
}

// archiveRuleName is AWS's pattern for a rule name: [A-Za-z][A-Za-z0-9_.-]*, 1 to 255 characters.
var archiveRuleName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,254}$`)

func (ia IntendedAccess) check() error {
	if !archiveRuleName.MatchString("x" + ia.Name) {
		return fmt.Errorf("Name %q: letters, digits, '.', '_' and '-' only", ia.Name)
	}
	if ia.Resource == nil {
		return errors.New("Resource is required")
	}
	if ia.PrincipalKey != PrincipalAWS && ia.PrincipalKey != PrincipalFederated {
		return fmt.Errorf("PrincipalKey %q; allowed: %s, %s", ia.PrincipalKey, PrincipalAWS, PrincipalFederated)
	}
	if len(ia.Principals) == 0 {
		return errors.New("Principals must name at least one principal (an archive rule on a resource alone would hide every outsider)")
	}
	for _, p := range ia.Principals {
		if p == "" {
			return errors.New("Principals may not hold an empty value")
		}
	}
	return nil
}

// ArchiveRuleName is the name of the stack's archive rule for an intended access.
func ArchiveRuleName(stack, name string) string { return stack + "-" + name }

// archiveFilters are the rule's criteria: every one must match (AND), the values of one are any-of.
func (ia IntendedAccess) archiveFilters() accessanalyzer.ArchiveRuleFilterArray {
	return accessanalyzer.ArchiveRuleFilterArray{
		accessanalyzer.ArchiveRuleFilterArgs{Criteria: pulumi.String("resource"), Eqs: pulumi.StringArray{ia.Resource}},
		accessanalyzer.ArchiveRuleFilterArgs{Criteria: pulumi.String(ia.PrincipalKey), Eqs: pulumi.ToStringArray(ia.Principals)},
	}
}

// newArchiveRules archives, on the region's analyzer, the findings the program intends.
func (o *Observability) newArchiveRules(ctx *pulumi.Context, prefix string, r *regional, analyzer *accessanalyzer.Analyzer, intended []IntendedAccess) error {
	for _, ia := range intended {
		if ia.Region != "" && ia.Region != r.region {
			continue
		}
		if _, err := accessanalyzer.NewArchiveRule(ctx, prefix+"-archive-"+ia.Name, &accessanalyzer.ArchiveRuleArgs{
			AnalyzerName: analyzer.AnalyzerName,
			RuleName:     pulumi.String(ArchiveRuleName(ctx.Stack(), ia.Name)),
			Filters:      ia.archiveFilters(),
		}, o.opts(r.site)...); err != nil {
			return err
		}
	}
	return nil
}

// ElbLogDelivery is the access-log bucket's grant to the region's Elastic Load Balancing account,
// as the bucket policy writes it (arn:<partition>:iam::<account>:root). Access Analyzer reports
// an AWS principal by account id or ARN, so the rule names both spellings of that one account.
// Regions whose logs are written by the log delivery service principal get no rule: no filter key
// names a service principal.
func ElbLogDelivery(region, partition string, bucket pulumi.StringInput, elbAccountID string) IntendedAccess {
	return IntendedAccess{
		Name:         "alb-logs-" + region,
		Region:       region,
		Resource:     pulumi.Sprintf("arn:%s:s3:::%s", partition, bucket),
		PrincipalKey: PrincipalAWS,
		Principals:   []string{elbAccountID, fmt.Sprintf("arn:%s:iam::%s:root", partition, elbAccountID)},
	}
}

// FederatedTrust is a role's trust of an OIDC provider (the deploy role and Pulumi Cloud's
// issuer): on every region's analyzer, since IAM is global.
func FederatedTrust(name, roleArn, providerArn string) IntendedAccess {
	return IntendedAccess{
		Name:         name,
		Resource:     pulumi.String(roleArn),
		PrincipalKey: PrincipalFederated,
		Principals:   []string{providerArn},
	}
}
