package deployaccess

import "github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"

// KeyPolicyWithOperators adds the operators' role ARNs (deployments.operatorRoleArns) to the users
// of a key policy written by kmskey.Policy, for main.go (kmskey.WithOperators).
func KeyPolicyWithOperators(policy string, roleArns []string) (string, error) {
	return kmskey.WithOperators(policy, roleArns)
}
