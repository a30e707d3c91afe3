package policy

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func doc(statements ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b)
}

func trustOf(stmts ...map[string]any) *Resource {
	return res(TypeIamRole, "r", map[string]any{"assumeRolePolicy": doc(stmts...)})
}

func oidcTrust(cond map[string]any) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
		"Principal": map[string]any{"Federated": "arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc"}, "Condition": cond}
}

func subjects(ops ...string) []any {
	var out []any
	for _, op := range ops {
		out = append(out, fmtSub(op))
	}
	return out
}

func fmtSub(op string) string {
	return "pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:" + op + ":scope:write"
}

func TestTrustPoliciesNameOnlyServicesAndThisStack(t *testing.T) {
	const rule = "iam-trust-only-services-and-this-stack"
	service := func(svc string, cond map[string]any) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"Service": svc}, "Condition": cond}
	}
	sourceAccount := map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}
	good := map[string]any{"StringEquals": map[string]any{"api.pulumi.com/oidc:aud": "acme", "api.pulumi.com/oidc:sub": subjects("update", "refresh", "destroy")}}
	for _, tc := range []struct {
		name  string
		r     *Resource
		fails bool
	}{
		{"service with source account", trustOf(service("states.amazonaws.com", sourceAccount)), false},
		{"EC2 instance role", trustOf(service("ec2.amazonaws.com", nil)), false},
		{"this stack's deployments", trustOf(oidcTrust(good)), false},
		{"service without a source condition", trustOf(service("states.amazonaws.com", nil)), true},
		{"another account", trustOf(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": "arn:aws:iam::210987654321:root"}}), true},
		{"everyone", trustOf(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*"}), true},
		{"previews", trustOf(oidcTrust(map[string]any{"StringEquals": map[string]any{"api.pulumi.com/oidc:aud": "acme", "api.pulumi.com/oidc:sub": subjects("preview")}})), true},
		{"wildcard subject", trustOf(oidcTrust(map[string]any{"StringEquals": map[string]any{"api.pulumi.com/oidc:aud": "acme"},
			"StringLike": map[string]any{"api.pulumi.com/oidc:sub": "pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:*"}})), true},
		{"another stack", trustOf(oidcTrust(map[string]any{"StringEquals": map[string]any{"api.pulumi.com/oidc:aud": "acme",
			"api.pulumi.com/oidc:sub": "pulumi:deploy:org:acme:project:multi-region-ha:stack:prod-eu:operation:update:scope:write"}})), true},
		{"no audience", trustOf(oidcTrust(map[string]any{"StringEquals": map[string]any{"api.pulumi.com/oidc:sub": subjects("update")}})), true},
		{"GitHub's provider for any repository", trustOf(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
			"Principal": map[string]any{"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}}), true},
	} {
		got := rulesNamed(Check([]*Resource{tc.r}), rule)
		assert.Equal(t, tc.fails, len(got) > 0, "%s: %v", tc.name, names(got))
	}
}

func TestPoliciesMatchIAMByPathNeverByNamePrefix(t *testing.T) {
	const rule = "iam-match-by-path"
	policy := func(resources []any, cond map[string]any) *Resource {
		return res(TypeIamRolePolicy, "p", map[string]any{"policy": doc(map[string]any{"Effect": "Allow", "Action": "iam:PassRole", "Resource": resources, "Condition": cond})})
	}
	for _, tc := range []struct {
		name  string
		r     *Resource
		fails bool
	}{
		{"the stack's path", policy([]any{"arn:aws:iam::123456789012:role/multi-region-ha/prod/*"}, nil), false},
		{"AWS service-role policies", policy([]any{"arn:aws:iam::aws:policy/service-role/*"}, nil), false},
		{"one exact role", policy([]any{"arn:aws:iam::123456789012:role/multi-region-ha/prod/x"}, nil), false},
		{"a name prefix", policy([]any{"arn:aws:iam::123456789012:role/multi-region-ha-prod-*"}, nil), true},
		{"a name prefix under the path", policy([]any{"arn:aws:iam::123456789012:role/multi-region-ha/prod/x-*"}, nil), true},
		{"a path prefix", policy([]any{"arn:aws:iam::123456789012:role/multi-region-ha/prod*"}, nil), true},
		{"a name prefix in a condition", policy([]any{"*"}, map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": []any{"arn:aws:iam::123456789012:role/multi-region-ha-prod-*"}}}), true},
	} {
		got := rulesNamed(Check([]*Resource{tc.r}), rule)
		assert.Equal(t, tc.fails, len(got) > 0, "%s: %v", tc.name, names(got))
	}
}
