package network

import (
	"net/netip"
	"sort"
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

func TestEveryTierDeniesSSHFromAnywhereFirst(t *testing.T) {
	for _, tier := range Tiers {
		ingress, _ := aclRules(tier, "10.0.0.0/16", []string{"10.0.64.0/21"}, []int{5432})
		first := firstMatch(ingress, anywhere, 22)
		if assert.NotNil(t, first, "%s tier: no rule for port 22 from anywhere", tier) {
			assert.Equal(t, "deny", first.Action, "%s tier: port 22 from anywhere", tier)
		}
	}
}

// Replies come back to the client's source port, anywhere in 1024-65535 (NAT gateways and the ALB
// use the whole range), so no tier may deny inside it: RDP's 3389 is closed by the security groups.
func TestNoTierDeniesInsideTheEphemeralRange(t *testing.T) {
	for _, tier := range Tiers {
		ingress, egress := aclRules(tier, "10.0.0.0/16", []string{"10.0.64.0/21"}, []int{5432})
		for _, r := range append(ingress, egress...) {
			if r.Action == "deny" {
				overlaps := r.Protocol == "-1" || (r.FromPort <= ephemeralTo && r.ToPort >= ephemeralFrom)
				assert.False(t, overlaps, "%s tier: rule %d denies %d-%d inside the ephemeral range", tier, r.RuleNo, r.FromPort, r.ToPort)
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

// TestRealTrafficCrossesTheStatelessAcls replays the flows the system depends on, packet by packet
// (request and reply, through every subnet boundary, with the NAT gateway as a hop), against the
// tiers' rules as AWS evaluates them: lowest rule number that matches wins, no match is a deny.
func TestRealTrafficCrossesTheStatelessAcls(t *testing.T) {
	const (
		vpc        = "10.0.0.0/16"
		alb        = "10.0.0.10"   // public subnet a
		nat        = "10.0.8.5"    // public subnet b
		instance   = "10.0.72.20"  // private subnet b
		db         = "10.0.136.30" // database subnet b
		cloudFront = "130.176.0.10"
		awsAPI     = "52.94.0.1" // SSM, CloudWatch, package mirrors, S3 through the gateway endpoint
		appPort    = 8080
		dbPort     = 5432
		linuxEph   = 40000 // instances' and the ALB's source ports (Linux range 32768-60999)
	)
	private := []string{"10.0.64.0/21", "10.0.72.0/21", "10.0.80.0/21"}
	tierOf := map[string]Tier{alb: TierPublic, nat: TierPublic, instance: TierPrivate, db: TierDatabase}
	rules := map[Tier][2][]aclRule{}
	for _, tier := range Tiers {
		in, out := aclRules(tier, vpc, private, []int{dbPort})
		rules[tier] = [2][]aclRule{in, out}
	}
	// cross reports whether a TCP packet from src to dst:port leaves src's subnet and enters dst's
	// (hosts outside the VPC have no ACL). Ports of replies are the client's source port.
	cross := func(src, dst string, port int) bool {
		if tier, ok := tierOf[src]; ok && !admits(rules[tier][1], dst, port) {
			return false
		}
		if tier, ok := tierOf[dst]; ok && !admits(rules[tier][0], src, port) {
			return false
		}
		return true
	}
	// connect is a TCP exchange from client (source port eph) to server:port, both directions.
	connect := func(client, server string, port, eph int) bool {
		return cross(client, server, port) && cross(server, client, eph)
	}
	// throughNat is an instance reaching server:port via the NAT gateway, which rewrites the source
	// to itself with a port of 1024-65535; replies come back from server to the NAT, then on to the
	// instance (still from server's address).
	throughNat := func(server string, port, natPort int) bool {
		return cross(instance, nat, port) && cross(nat, server, port) && // request: instance -> NAT -> server
			cross(server, nat, natPort) && // reply reaches the NAT
			admits(rules[TierPublic][1], instance, linuxEph) && admits(rules[TierPrivate][0], server, linuxEph) // NAT -> instance
	}

	flows := []struct {
		name string
		ok   bool
		want bool
	}{
		{"CloudFront to the ALB on 443", connect(cloudFront, alb, 443, 50000), true},
		{"CloudFront from a low source port", connect(cloudFront, alb, 443, 1024), true},
		{"ALB to the instances' app port (traffic and health checks)", connect(alb, instance, appPort, linuxEph), true},
		{"instances to the database", connect(instance, db, dbPort, linuxEph), true},
		{"instances to AWS APIs through NAT (NAT port 1024)", throughNat(awsAPI, 443, 1024), true},
		{"instances to AWS APIs through NAT (NAT port 40000)", throughNat(awsAPI, 443, 40000), true},
		{"instances to AWS APIs through NAT (NAT port 65535)", throughNat(awsAPI, 443, 65535), true},
		{"instances to S3 through the gateway endpoint", connect(instance, awsAPI, 443, linuxEph), true},
		// Replies to source ports that happen to be an admin port inside the ephemeral range.
		{"ALB to the app port from source port 3389", connect(alb, instance, appPort, 3389), true},
		{"instances to the database from source port 3389", connect(instance, db, dbPort, 3389), true},
		{"CloudFront to the ALB from source port 3389", connect(cloudFront, alb, 443, 3389), true},
		{"instances to AWS APIs through NAT (NAT port 3389)", throughNat(awsAPI, 443, 3389), true},

		{"SSH from the internet to the ALB's subnet", cross(cloudFront, alb, 22), false},
		{"SSH from the internet to an instance", cross(awsAPI, instance, 22), false},
		// RDP (3389) lies in the ephemeral range the ACLs must admit for replies: the security
		// groups refuse it, which pkg/policy's reachability analysis proves over the whole program.
		{"the internet to the database", cross(awsAPI, db, dbPort), false},
		{"the public tier to the database", cross(alb, db, dbPort), false},
		{"the private tier to another database port", cross(instance, db, 3306), false},
		{"SSH from the private tier to the database", cross(instance, db, 22), false},
		{"the database to the internet", cross(db, awsAPI, 443), false},
		{"the database to the public tier", cross(db, alb, 443), false},
		{"plain HTTP from the internet to the ALB's subnet", cross(cloudFront, alb, 80), false},
		{"plain HTTP out of the private tier", cross(instance, awsAPI, 80), false},
	}
	for _, f := range flows {
		assert.Equal(t, f.want, f.ok, f.name)
	}
}

// admits evaluates rules for a TCP packet whose other end is peer (source for ingress, destination
// for egress) on port, as AWS does: ascending rule numbers, first match decides, default deny.
func admits(rules []aclRule, peer string, port int) bool {
	sorted := append([]aclRule(nil), rules...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].RuleNo < sorted[j].RuleNo })
	addr := netip.MustParseAddr(peer)
	for _, r := range sorted {
		if !netip.MustParsePrefix(r.Cidr).Contains(addr) {
			continue
		}
		if r.Protocol != "-1" && (r.Protocol != "tcp" || port < r.FromPort || port > r.ToPort) {
			continue
		}
		return r.Action == "allow"
	}
	return false
}
