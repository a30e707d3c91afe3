package stacks

import (
	"regexp"
	"strings"
)

// Deployments is the `deployments` config object: the AWS side of Pulumi Deployments. When Oidc is
// true the program creates the IAM OIDC provider for Pulumi Cloud (unless CreateProvider is false
// because another stack in the same account owns it) and a deploy role that only deployments of
// Organization/multi-region-ha/<Stacks> can assume.
type Deployments struct {
	Oidc           bool     `json:"oidc"`
	Organization   string   `json:"organization"`
	Issuer         string   `json:"issuer"`
	Stacks         []string `json:"stacks"`
	CreateProvider bool     `json:"createProvider"`
	PolicyArns     []string `json:"policyArns"`
	// OperatorRoleArns are the exact ARNs of the roles people run `pulumi up` with from a
	// workstation (the first deploy, changes to the deploy role, the region-outage runbook). Every
	// key of the stack lets them, the stack's own roles and its deploy role (all under the stack's
	// IAM path) use it, and no one else: without one, only a deployment through the deploy role
	// can create the stack's encrypted resources.
	OperatorRoleArns []string `json:"operatorRoleArns"`
	// SessionSeconds is how long a deployment's credentials last (the deploy role's
	// MaxSessionDuration): long enough for an Aurora global major-version upgrade.
	SessionSeconds int `json:"sessionSeconds"`
}

// DefaultSessionSeconds is IAM's maximum (12 hours): a global engine upgrade of both regions can
// run for hours, and credentials that expire mid-update leave the stack half-applied.
const DefaultSessionSeconds = 43200

// DefaultOidcIssuer is Pulumi Cloud's OIDC issuer for Deployments tokens.
const DefaultOidcIssuer = "https://api.pulumi.com/oidc"

// DefaultDeployPolicyArns are the managed policies of the deploy role: everything but IAM,
// Organizations and Account management. The component adds the IAM actions the program needs.
var DefaultDeployPolicyArns = []string{"arn:aws:iam::aws:policy/PowerUserAccess"}

func defaultDeployments(prod bool) Deployments {
	return Deployments{
		Issuer:         DefaultOidcIssuer,
		CreateProvider: true,
		PolicyArns:     append([]string(nil), DefaultDeployPolicyArns...),
		SessionSeconds: DefaultSessionSeconds,
	}
}

var (
	pulumiNameRe    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	operatorRoleRe  = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::([0-9]{12}):role/[A-Za-z0-9+=,.@_/-]+$`)
	managedPolicyRe = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::(aws|[0-9]{12}):policy/[A-Za-z0-9+=,.@_/-]+$`)
)

func validateDeployments(c *Config, p *problems) {
	d := &c.Deployments
	if d.Oidc && d.Organization == "" {
		p.addf("deployments.organization", "is not set; deployments.oidc needs the Pulumi organization name (the token audience and subject)")
	}
	if d.Organization != "" && !pulumiNameRe.MatchString(d.Organization) {
		p.addf("deployments.organization", "is %q; allowed: a Pulumi organization name (letters, digits, '-', '_', '.')", d.Organization)
	}
	if !strings.HasPrefix(d.Issuer, "https://") || strings.HasSuffix(d.Issuer, "/") || strings.ContainsAny(d.Issuer, "?#* ") {
		p.addf("deployments.issuer", "is %q; allowed: an https:// URL without trailing slash, query or wildcard (default %s)", d.Issuer, DefaultOidcIssuer)
	}
	if len(d.Stacks) == 0 {
		d.Stacks = []string{c.Stack}
	}
	for _, s := range d.Stacks {
		if !pulumiNameRe.MatchString(s) {
			p.addf("deployments.stacks", "lists %q; allowed: stack names (letters, digits, '-', '_', '.'), no wildcards", s)
		}
	}
	if dup := firstDuplicate(d.Stacks); dup != "" {
		p.addf("deployments.stacks", "lists %q twice", dup)
	}
	// With deployments on, every role is named "multi-region-ha-<stack>-" plus a 26-character unique
	// suffix; IAM role names allow 64 characters, so the prefix may take 38.
	if prefix := Namespace + "-" + c.Stack + "-"; d.Oidc && len(prefix) > 38 {
		p.addf("deployments.oidc", "needs role names under %q, %d characters; IAM allows a name prefix of at most 38 (stack names up to 21 characters)", prefix, len(prefix))
	}
	for _, arn := range d.OperatorRoleArns {
		m := operatorRoleRe.FindStringSubmatch(arn)
		switch {
		case m == nil:
			p.addf("deployments.operatorRoleArns", "lists %q; allowed: exact IAM role ARNs (arn:aws:iam::<accountId>:role/<path/>name), no wildcards", arn)
		case m[2] != c.AccountId:
			p.addf("deployments.operatorRoleArns", "lists %q of account %s; allowed: roles of accountId %s", arn, m[2], c.AccountId)
		}
	}
	if dup := firstDuplicate(d.OperatorRoleArns); dup != "" {
		p.addf("deployments.operatorRoleArns", "lists %q twice", dup)
	}
	if d.SessionSeconds < 3600 || d.SessionSeconds > 43200 {
		p.addf("deployments.sessionSeconds", "is %d; allowed: 3600 to 43200 seconds (IAM's MaxSessionDuration range; default %d, for global engine upgrades)", d.SessionSeconds, DefaultSessionSeconds)
	}
	if d.Oidc && len(d.PolicyArns) == 0 {
		p.addf("deployments.policyArns", "is empty; the deploy role needs at least one managed policy (default %s)", strings.Join(DefaultDeployPolicyArns, ", "))
	}
	if len(d.PolicyArns) > 10 {
		p.addf("deployments.policyArns", "lists %d policies; IAM attaches at most 10 managed policies to a role by default", len(d.PolicyArns))
	}
	for _, arn := range d.PolicyArns {
		if !managedPolicyRe.MatchString(arn) {
			p.addf("deployments.policyArns", "lists %q; allowed: managed policy ARNs (arn:aws:iam::aws:policy/... or arn:aws:iam::<account>:policy/...)", arn)
		}
	}
}
