package policy

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	appPort = 8080
	dbPort  = 5432
	plID    = "pl-cloudfront"
)

var want = Expectations{AppPort: appPort, DatabasePort: dbPort, CloudFrontPrefixList: plID}

func acl(no int, action, proto, cidr string, from, to int) map[string]any {
	return map[string]any{"ruleNo": no, "action": action, "protocol": proto, "cidrBlock": cidr, "fromPort": from, "toPort": to}
}

func rule(typ, name, sg string, fields map[string]any) *Resource {
	inputs := map[string]any{"securityGroupId": sg + "-id", "description": name, "ipProtocol": "tcp"}
	for k, v := range fields {
		inputs[k] = v
	}
	return res(typ, name, inputs)
}

// region is a synthetic region shaped like the design: three tiers, an ALB behind CloudFront's
// prefix list, instances, an Aurora cluster.
func region() []*Resource {
	// The tiers as the network component builds them: SSH (below the ephemeral range) denied from
	// anywhere, every subnet that receives replies open to the whole ephemeral range.
	denySSH := []any{acl(10, "deny", "tcp", "0.0.0.0/0", 22, 22)}
	withAdmin := func(entries ...any) []any { return append(append([]any{}, denySSH...), entries...) }
	eph := func(no int, cidr string) map[string]any { return acl(no, "allow", "tcp", cidr, 1024, 65535) }
	return []*Resource{
		res(TypeVpc, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}),
		res(TypeSubnet, "public-a", map[string]any{"vpcId": "vpc-id", "cidrBlock": "10.0.0.0/24", "tags": map[string]any{"Tier": "public"}}),
		res(TypeSubnet, "private-a", map[string]any{"vpcId": "vpc-id", "cidrBlock": "10.0.10.0/24", "tags": map[string]any{"Tier": "private"}}),
		res(TypeSubnet, "database-a", map[string]any{"vpcId": "vpc-id", "cidrBlock": "10.0.20.0/24", "tags": map[string]any{"Tier": "database"}}),
		res(TypeInternetGateway, "igw", map[string]any{"vpcId": "vpc-id"}),
		res(TypeNatGateway, "nat", map[string]any{"subnetId": "public-a-id"}),
		res(TypeRouteTable, "public-rt", map[string]any{"vpcId": "vpc-id"}),
		res(TypeRoute, "public-default", map[string]any{"routeTableId": "public-rt-id", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-id"}),
		res(TypeRouteTable, "private-rt", map[string]any{"vpcId": "vpc-id"}),
		res(TypeRoute, "private-default", map[string]any{"routeTableId": "private-rt-id", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-id"}),
		res(TypeRouteTable, "database-rt", map[string]any{"vpcId": "vpc-id"}),
		res(TypeRouteTableAssoc, "public-a-rta", map[string]any{"subnetId": "public-a-id", "routeTableId": "public-rt-id"}),
		res(TypeRouteTableAssoc, "private-a-rta", map[string]any{"subnetId": "private-a-id", "routeTableId": "private-rt-id"}),
		res(TypeRouteTableAssoc, "database-a-rta", map[string]any{"subnetId": "database-a-id", "routeTableId": "database-rt-id"}),
		res(TypeDefaultNetworkAcl, "default-nacl", map[string]any{"defaultNetworkAclId": "acl-default"}),
		res(TypeNetworkAcl, "public-nacl", map[string]any{"vpcId": "vpc-id", "subnetIds": []any{"public-a-id"},
			"ingress": withAdmin(acl(100, "allow", "tcp", "0.0.0.0/0", 443, 443), acl(110, "allow", "-1", "10.0.0.0/16", 0, 0), eph(120, "0.0.0.0/0")),
			"egress":  []any{acl(100, "allow", "tcp", "0.0.0.0/0", 443, 443), acl(110, "allow", "-1", "10.0.0.0/16", 0, 0), eph(120, "0.0.0.0/0")}}),
		res(TypeNetworkAcl, "private-nacl", map[string]any{"vpcId": "vpc-id", "subnetIds": []any{"private-a-id"},
			"ingress": withAdmin(acl(110, "allow", "-1", "10.0.0.0/16", 0, 0), eph(120, "0.0.0.0/0")),
			"egress":  []any{acl(100, "allow", "tcp", "0.0.0.0/0", 443, 443), acl(110, "allow", "-1", "10.0.0.0/16", 0, 0)}}),
		res(TypeNetworkAcl, "database-nacl", map[string]any{"vpcId": "vpc-id", "subnetIds": []any{"database-a-id"},
			"ingress": withAdmin(acl(100, "allow", "tcp", "10.0.10.0/24", dbPort, dbPort)),
			"egress":  []any{eph(100, "10.0.10.0/24")}}),

		res(TypeSecurityGroup, "alb-sg", map[string]any{"vpcId": "vpc-id"}),
		res(TypeSecurityGroup, "app-sg", map[string]any{"vpcId": "vpc-id"}),
		res(TypeSecurityGroup, "db-sg", map[string]any{"vpcId": "vpc-id"}),
		rule(TypeIngressRule, "alb-in", "alb-sg", map[string]any{"fromPort": 443, "toPort": 443, "prefixListId": plID}),
		rule(TypeEgressRule, "alb-out", "alb-sg", map[string]any{"fromPort": appPort, "toPort": appPort, "referencedSecurityGroupId": "app-sg-id"}),
		rule(TypeIngressRule, "app-in", "app-sg", map[string]any{"fromPort": appPort, "toPort": appPort, "referencedSecurityGroupId": "alb-sg-id"}),
		rule(TypeEgressRule, "app-out-https", "app-sg", map[string]any{"fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}),
		rule(TypeEgressRule, "app-out-db", "app-sg", map[string]any{"fromPort": dbPort, "toPort": dbPort, "cidrIpv4": "10.0.20.0/24"}),
		rule(TypeIngressRule, "db-in", "db-sg", map[string]any{"fromPort": dbPort, "toPort": dbPort, "referencedSecurityGroupId": "app-sg-id"}),

		res(TypeLoadBalancer, "alb", map[string]any{"securityGroups": []any{"alb-sg-id"}, "subnets": []any{"public-a-id"}}),
		res(TypeLaunchTemplate, "lt", map[string]any{"networkInterfaces": []any{map[string]any{"securityGroups": []any{"app-sg-id"}}}}),
		res(TypeAutoscalingGroup, "asg", map[string]any{"launchTemplate": map[string]any{"id": "lt-id"}, "vpcZoneIdentifiers": []any{"private-a-id"}}),
		res(TypeRdsSubnetGroup, "db-subnets", map[string]any{"name": "db-subnets", "subnetIds": []any{"database-a-id"}}),
		res(TypeRdsCluster, "db", map[string]any{"vpcSecurityGroupIds": []any{"db-sg-id"}, "dbSubnetGroupName": "db-subnets"}),
	}
}

func TestReachabilityOfTheDesign(t *testing.T) {
	n := NewNetwork("us-east-1", region())
	var flows []string
	for _, f := range n.Flows() {
		flows = append(flows, fmt.Sprintf("%s -> %s %s %d-%d", f.From, f.To, f.Protocol, f.FromPort, f.ToPort))
	}
	assert.ElementsMatch(t, []string{
		"prefix-list:pl-cloudfront -> alb tcp 443-443",
		"alb -> lt tcp 8080-8080",
		"lt -> db tcp 5432-5432",
	}, flows)
	assert.Empty(t, n.Check(want))
	assert.Equal(t, []string{"database-a"}, n.SubnetsOfTier(RoleDatabase))
	assert.True(t, n.HasRole(RoleALB) && n.HasRole(RoleInstances) && n.HasRole(RoleDatabase))
}

// Each change opens (or fails to close) a path, and the analysis reports it.
func TestReachabilityCatchesEveryNewPath(t *testing.T) {
	cases := []struct {
		name   string
		change func(rs []*Resource) []*Resource
		want   string
	}{
		{"SSH to the instances from inside the VPC", func(rs []*Resource) []*Resource {
			return append(rs, rule(TypeIngressRule, "app-ssh", "app-sg", map[string]any{"fromPort": 22, "toPort": 22, "cidrIpv4": "10.0.0.0/16"}),
				rule(TypeEgressRule, "alb-out-all", "alb-sg", map[string]any{"ipProtocol": "-1", "cidrIpv4": "10.0.0.0/16"}))
		}, "port 22 is reachable"},
		{"HTTPS from the internet to the ALB", func(rs []*Resource) []*Resource {
			return append(rs, rule(TypeIngressRule, "alb-world", "alb-sg", map[string]any{"fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}))
		}, "unexpected path: internet (internet) -> alb"},
		{"a partner network is the internet too", func(rs []*Resource) []*Resource {
			return append(rs, rule(TypeIngressRule, "app-partner", "app-sg", map[string]any{"fromPort": appPort, "toPort": appPort, "cidrIpv4": "192.0.2.0/24"}))
		}, "unexpected path: internet (internet) -> lt"},
		{"another prefix list", func(rs []*Resource) []*Resource {
			return append(rs, rule(TypeIngressRule, "alb-other-pl", "alb-sg", map[string]any{"fromPort": 443, "toPort": 443, "prefixListId": "pl-other"}))
		}, "unexpected path: prefix-list:pl-other"},
		{"the ALB reaches the database", func(rs []*Resource) []*Resource {
			return append(rs, rule(TypeIngressRule, "db-from-vpc", "db-sg", map[string]any{"fromPort": dbPort, "toPort": dbPort, "cidrIpv4": "10.0.0.0/16"}),
				rule(TypeEgressRule, "alb-out-db", "alb-sg", map[string]any{"fromPort": dbPort, "toPort": dbPort, "cidrIpv4": "10.0.20.0/24"}))
		}, "unexpected path: alb (alb) -> db (database) tcp 5432-5432"},
		{"the instances reach each other", func(rs []*Resource) []*Resource {
			return append(rs, rule(TypeSecurityGroupRule, "app-self", "app-sg", map[string]any{"type": "ingress", "protocol": "-1", "self": true, "fromPort": 0, "toPort": 0}),
				rule(TypeSecurityGroupRule, "app-self-out", "app-sg", map[string]any{"type": "egress", "protocol": "-1", "self": true, "fromPort": 0, "toPort": 0}))
		}, "port 3389 is reachable: lt (instances) -> lt"},
		{"an interface endpoint the instances reach", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeSecurityGroup, "vpce-sg", map[string]any{"vpcId": "vpc-id"}),
				rule(TypeIngressRule, "vpce-in", "vpce-sg", map[string]any{"fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/16"}),
				res("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", map[string]any{"securityGroupIds": []any{"vpce-sg-id"}, "subnetIds": []any{"private-a-id"}}))
		}, "unexpected path: lt (instances) -> ssm (aws:ec2/vpcEndpoint:VpcEndpoint) tcp 443-443"},
		{"an inline rule on a group", func(rs []*Resource) []*Resource {
			for i, r := range rs {
				if r.Name == "db-sg" {
					rs[i] = with(r, map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": 3389, "toPort": 3389, "cidrBlocks": []any{"0.0.0.0/0"}}}})
				}
			}
			return rs
		}, "port 3389 is reachable: internet"},
		{"a database route to the NAT gateway", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeRoute, "db-nat", map[string]any{"routeTableId": "database-rt-id", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-id"}))
		}, "database subnet database-a routes 0.0.0.0/0 to a nat-gateway"},
		{"a database route to the internet gateway", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeRoute, "db-igw", map[string]any{"routeTableId": "database-rt-id", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-id"}))
		}, "routes 0.0.0.0/0 to a internet-gateway"},
		{"a database subnet on the main route table", func(rs []*Resource) []*Resource {
			return remove(remove(rs, "database-a-rta"), "")
		}, "uses the VPC's main route table"},
		{"an ACL rule that admits SSH before the deny", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeNetworkAclRule, "ssh", map[string]any{"networkAclId": "private-nacl-id", "ruleNumber": 5, "egress": false,
				"protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "fromPort": 22, "toPort": 22}))
		}, "network ACL private-nacl of subnet private-a admits tcp 22 from internet"},
		// Return traffic: the reply to a client's ephemeral port crosses stateless ACLs too.
		{"an ACL that denies RDP inside the ephemeral range", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeNetworkAclRule, "rdp", map[string]any{"networkAclId": "public-nacl-id", "ruleNumber": 11, "egress": false,
				"protocol": "tcp", "ruleAction": "deny", "cidrBlock": "0.0.0.0/0", "fromPort": 3389, "toPort": 3389}))
		}, "return traffic of alb -> lt tcp 8080 to ports 3389 is dropped by network ACL public-nacl of subnet public-a (ingress from 10.0.10.1)"},
		{"replies through the NAT gateway dropped at the instances", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeNetworkAclRule, "rdp", map[string]any{"networkAclId": "private-nacl-id", "ruleNumber": 11, "egress": false,
				"protocol": "tcp", "ruleAction": "deny", "cidrBlock": "0.0.0.0/0", "fromPort": 3389, "toPort": 3389}))
		}, "return traffic of lt -> internet tcp 443 to ports 3389 is dropped by network ACL private-nacl of subnet private-a (ingress from 198.51.100.7)"},
		{"replies to the NAT gateway's own ports", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeNetworkAclRule, "high", map[string]any{"networkAclId": "public-nacl-id", "ruleNumber": 12, "egress": false,
				"protocol": "tcp", "ruleAction": "deny", "cidrBlock": "0.0.0.0/0", "fromPort": 60000, "toPort": 65535}))
		}, "return traffic of lt -> internet tcp 443 (reply to the NAT gateway) to ports 60000-65535 is dropped"},
		{"database replies not allowed out", func(rs []*Resource) []*Resource {
			for i, r := range rs {
				if r.Name == "database-nacl" {
					rs[i] = with(r, map[string]any{"egress": []any{acl(100, "allow", "tcp", "10.0.10.0/24", 32768, 60999)}})
				}
			}
			return rs
		}, "return traffic of lt -> db tcp 5432 to ports 1024-32767 is dropped by network ACL database-nacl of subnet database-a (egress to 10.0.10.1)"},
		{"a request the security groups allow but an ACL drops", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeNetworkAclRule, "no-app", map[string]any{"networkAclId": "private-nacl-id", "ruleNumber": 12, "egress": false,
				"protocol": "tcp", "ruleAction": "deny", "cidrBlock": "10.0.0.0/24", "fromPort": appPort, "toPort": appPort}))
		}, "request of alb -> lt tcp 8080 is dropped by network ACL private-nacl of subnet private-a (ingress from 10.0.0.1)"},
		{"a database ACL open to the VPC", func(rs []*Resource) []*Resource {
			return append(rs, res(TypeNetworkAclRule, "db-vpc", map[string]any{"networkAclId": "database-nacl-id", "ruleNumber": 90,
				"protocol": "-1", "ruleAction": "allow", "cidrBlock": "10.0.0.0/16"}))
		}, "network ACL database-nacl of database subnet database-a admits tcp 5432 from public-a"},
		{"a subnet left on AWS's default ACL", func(rs []*Resource) []*Resource {
			rs = remove(rs, "default-nacl")
			for i, r := range rs {
				if r.Name == "private-nacl" {
					rs[i] = with(r, map[string]any{"subnetIds": []any{}})
				}
			}
			return rs
		}, "AWS default network ACL (not adopted) of subnet private-a admits tcp 22"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := NewNetwork("us-east-1", tc.change(region()))
			problems := n.Check(want)
			require.NotEmpty(t, problems)
			found := false
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					found = true
				}
			}
			assert.True(t, found, "want %q among %v", tc.want, problems)
		})
	}
}

func remove(rs []*Resource, name string) []*Resource {
	var out []*Resource
	for _, r := range rs {
		if r.Name != name {
			out = append(out, r)
		}
	}
	return out
}

func TestNetworksSplitByRegion(t *testing.T) {
	east := region()
	west := region()
	for _, r := range west {
		r.Provider = &Provider{Name: "aws-us-west-2", Region: "us-west-2", DefaultTags: prodTags}
		r.URN += "-west"
	}
	nets := Networks(append(east, west...))
	require.Len(t, nets, 2)
	assert.Len(t, nets["us-west-2"].Flows(), 3)
	assert.Empty(t, nets["us-east-1"].Check(want))
}

func TestACLEvaluationIsFirstMatch(t *testing.T) {
	entries := aclEntries(subs(res(TypeNetworkAcl, "a", map[string]any{"ingress": []any{
		acl(200, "allow", "tcp", "0.0.0.0/0", 0, 65535),
		acl(100, "deny", "tcp", "10.0.0.0/8", 22, 22),
	}}), "ingress"))
	cases := []struct {
		addr  string
		proto string
		port  int
		want  bool
	}{
		{"10.1.2.3", "tcp", 22, false},
		{"192.0.2.1", "tcp", 22, true},
		{"10.1.2.3", "tcp", 443, true},
		{"10.1.2.3", "udp", 443, false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, allows(entries, netip.MustParseAddr(tc.addr), tc.proto, tc.port), "%+v", tc)
	}
}
