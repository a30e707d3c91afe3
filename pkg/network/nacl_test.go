package network

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDatabaseTierAdmitsOnlyPrivateTierOnDatabasePorts(t *testing.T) {
	private := []string{"10.0.64.0/21", "10.0.72.0/21"}
	ingress, egress := aclRules(TierDatabase, "10.0.0.0/16", private, []int{5432})
	var allows []aclRule
	for _, r := range ingress {
		if r.Action == "allow" {
			allows = append(allows, r)
		}
	}
	assert.Equal(t, []aclRule{
		{RuleNo: 100, Action: "allow", Protocol: "tcp", Cidr: "10.0.64.0/21", FromPort: 5432, ToPort: 5432},
		{RuleNo: 110, Action: "allow", Protocol: "tcp", Cidr: "10.0.72.0/21", FromPort: 5432, ToPort: 5432},
	}, allows)
	assert.Equal(t, []aclRule{
		{RuleNo: 100, Action: "allow", Protocol: "tcp", Cidr: "10.0.64.0/21", FromPort: 1024, ToPort: 65535},
		{RuleNo: 110, Action: "allow", Protocol: "tcp", Cidr: "10.0.72.0/21", FromPort: 1024, ToPort: 65535},
	}, egress)
}

func TestEveryTierDeniesAdminPortsFromAnywhereFirst(t *testing.T) {
	for _, tier := range Tiers {
		ingress, _ := aclRules(tier, "10.0.0.0/16", []string{"10.0.64.0/21"}, []int{5432})
		for _, port := range []int{22, 3389} {
			first := firstMatch(ingress, anywhere, port)
			if assert.NotNil(t, first, "%s tier: no rule for port %d from anywhere", tier, port) {
				assert.Equal(t, "deny", first.Action, "%s tier: port %d from anywhere", tier, port)
			}
		}
	}
}

func TestRuleNumbersAreUniquePerDirection(t *testing.T) {
	for _, tier := range Tiers {
		ingress, egress := aclRules(tier, "10.0.0.0/16", []string{"10.0.64.0/21", "10.0.72.0/21", "10.0.80.0/21"}, []int{5432, 3306})
		for _, rules := range [][]aclRule{ingress, egress} {
			seen := map[int]bool{}
			for _, r := range rules {
				assert.False(t, seen[r.RuleNo], "%s tier reuses rule number %d", tier, r.RuleNo)
				seen[r.RuleNo] = true
			}
			assert.LessOrEqual(t, len(rules), 20, "AWS allows 20 rules per direction by default")
		}
	}
}

func TestOnlyThePublicTierAdmitsHttpsFromAnywhere(t *testing.T) {
	for _, tier := range Tiers {
		ingress, _ := aclRules(tier, "10.0.0.0/16", []string{"10.0.64.0/21"}, []int{5432})
		r := firstMatch(ingress, anywhere, 443)
		allowed := r != nil && r.Action == "allow"
		assert.Equal(t, tier == TierPublic, allowed, "%s tier, 443 from anywhere", tier)
	}
}

// firstMatch returns the lowest-numbered rule that matches tcp traffic from cidr to port, as AWS
// evaluates NACL rules.
func firstMatch(rules []aclRule, cidr string, port int) *aclRule {
	var best *aclRule
	for i, r := range rules {
		if r.Cidr != cidr {
			continue
		}
		if r.Protocol != "-1" && (port < r.FromPort || port > r.ToPort) {
			continue
		}
		if best == nil || r.RuleNo < best.RuleNo {
			best = &rules[i]
		}
	}
	return best
}
