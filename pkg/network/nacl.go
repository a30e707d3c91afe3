package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// aclRule is one network ACL entry. Protocol "-1" means all; ports are ignored then.
type aclRule struct {
	RuleNo   int
	Action   string // "allow" or "deny"
	Protocol string
	Cidr     string
	FromPort int
	ToPort   int
}

// SSH is denied from anywhere before any allow, to state the intent. RDP's 3389 is not: it lies in
// the ephemeral range (1024-65535) that NAT gateways and the load balancer use as source ports, so
// a reply addressed to 3389 would be dropped and about one connection in 64k would hang. NACLs are
// stateless; the security groups (stateful, no admin port anywhere) keep 3389 closed, and the
// reachability analysis proves both (pkg/policy: no flow reaches 22 or 3389, every reply crosses).
var deniedAdminPorts = []int{22}

const (
	ephemeralFrom = 1024
	ephemeralTo   = 65535
	httpsPort     = 443
)

// aclRules returns the inbound and outbound entries of tier. NACLs are stateless, so every allowed
// flow needs its return path listed explicitly.
func aclRules(tier Tier, vpcCidr string, privateCidrs []string, databasePorts []int) (ingress, egress []aclRule) {
	for i, port := range deniedAdminPorts {
		ingress = append(ingress, aclRule{RuleNo: 10 + i, Action: "deny", Protocol: "tcp", Cidr: anywhere, FromPort: port, ToPort: port})
	}
	allowVpc := aclRule{RuleNo: 110, Action: "allow", Protocol: "-1", Cidr: vpcCidr}
	switch tier {
	case TierPublic:
		ingress = append(ingress,
			aclRule{RuleNo: 100, Action: "allow", Protocol: "tcp", Cidr: anywhere, FromPort: httpsPort, ToPort: httpsPort}, // viewers via CloudFront to the ALB
			allowVpc, // NAT gateway traffic from the private tier, targets answering the ALB
			aclRule{RuleNo: 120, Action: "allow", Protocol: "tcp", Cidr: anywhere, FromPort: ephemeralFrom, ToPort: ephemeralTo}, // replies to NAT egress
		)
		egress = append(egress,
			aclRule{RuleNo: 100, Action: "allow", Protocol: "tcp", Cidr: anywhere, FromPort: httpsPort, ToPort: httpsPort}, // NAT forwarding HTTPS
			allowVpc,
			aclRule{RuleNo: 120, Action: "allow", Protocol: "tcp", Cidr: anywhere, FromPort: ephemeralFrom, ToPort: ephemeralTo}, // ALB replies to CloudFront
		)
	case TierPrivate:
		ingress = append(ingress,
			allowVpc, // the ALB reaching the app port, the database answering
			aclRule{RuleNo: 120, Action: "allow", Protocol: "tcp", Cidr: anywhere, FromPort: ephemeralFrom, ToPort: ephemeralTo}, // replies through NAT
		)
		egress = append(egress,
			aclRule{RuleNo: 100, Action: "allow", Protocol: "tcp", Cidr: anywhere, FromPort: httpsPort, ToPort: httpsPort}, // HTTPS out through NAT
			allowVpc,
		)
	case TierDatabase:
		no := 100
		for _, cidr := range privateCidrs {
			for _, port := range databasePorts {
				ingress = append(ingress, aclRule{RuleNo: no, Action: "allow", Protocol: "tcp", Cidr: cidr, FromPort: port, ToPort: port})
				no += 10
			}
		}
		no = 100
		for _, cidr := range privateCidrs {
			egress = append(egress, aclRule{RuleNo: no, Action: "allow", Protocol: "tcp", Cidr: cidr, FromPort: ephemeralFrom, ToPort: ephemeralTo})
			no += 10
		}
	}
	return ingress, egress
}

func newNetworkAcls(ctx *pulumi.Context, name string, vpc *ec2.Vpc, tiers *subnetTiers, args *Args, opts ...pulumi.ResourceOption) error {
	for _, tier := range Tiers {
		ingress, egress := aclRules(tier, args.Cidr, args.PrivateSubnets, args.DatabasePorts)
		aclName := name + "-" + tier.String() + "-nacl"
		if _, err := ec2.NewNetworkAcl(ctx, aclName, &ec2.NetworkAclArgs{
			VpcId:     vpc.ID(),
			SubnetIds: tiers.ids(tier),
			Ingress:   toIngress(ingress),
			Egress:    toEgress(egress),
			Tags:      nameTag(aclName),
		}, opts...); err != nil {
			return err
		}
	}
	return nil
}

func toIngress(rules []aclRule) ec2.NetworkAclIngressArray {
	out := ec2.NetworkAclIngressArray{}
	for _, r := range rules {
		out = append(out, ec2.NetworkAclIngressArgs{
			RuleNo: pulumi.Int(r.RuleNo), Action: pulumi.String(r.Action), Protocol: pulumi.String(r.Protocol),
			CidrBlock: pulumi.String(r.Cidr), FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
		})
	}
	return out
}

func toEgress(rules []aclRule) ec2.NetworkAclEgressArray {
	out := ec2.NetworkAclEgressArray{}
	for _, r := range rules {
		out = append(out, ec2.NetworkAclEgressArgs{
			RuleNo: pulumi.Int(r.RuleNo), Action: pulumi.String(r.Action), Protocol: pulumi.String(r.Protocol),
			CidrBlock: pulumi.String(r.Cidr), FromPort: pulumi.Int(r.FromPort), ToPort: pulumi.Int(r.ToPort),
		})
	}
	return out
}
