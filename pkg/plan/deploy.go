package plan

import (
	"math"
	"sort"
	"strings"
)

// The range of a first deploy around the critical path: creation times vary with AWS's load (an
// Aurora instance takes 7 to 15 minutes, a CloudFront distribution 3 to 10).
const (
	DeployLowFactor  = 0.8
	DeployHighFactor = 1.5
)

// DeployLeavesOut is what the first-deploy estimate does not count.
var DeployLeavesOut = []string{
	"the Pulumi CLI's plugin downloads and the program's first go build (a few minutes on a cold machine)",
	"DNS delegation of a new hosted zone (createHostedZone): certificates validate only once the parent zone delegates to it",
	"instances booting and passing health checks after their Auto Scaling group exists",
	"AWS API throttling and retries, and confirming the alarm e-mail subscriptions",
}

// DefaultCreationSeconds is the creation time of a type missing from CreationSeconds.
const DefaultCreationSeconds = 10

// CreationSeconds is how long a first `pulumi up` typically waits for each type to be created
// (documented in docs/plan.md). The numbers are typical observations, not guarantees: what matters
// is that a change which serialises slow resources shows up on the critical path.
var CreationSeconds = map[string]float64{
	// network
	"aws:ec2/vpc:Vpc": 10, "aws:ec2/subnet:Subnet": 10, "aws:ec2/internetGateway:InternetGateway": 10,
	"aws:ec2/natGateway:NatGateway": 120, "aws:ec2/eip:Eip": 5,
	"aws:ec2/routeTable:RouteTable": 5, "aws:ec2/route:Route": 5, "aws:ec2/routeTableAssociation:RouteTableAssociation": 5,
	"aws:ec2/networkAcl:NetworkAcl": 5, "aws:ec2/networkAclRule:NetworkAclRule": 3, "aws:ec2/networkAclAssociation:NetworkAclAssociation": 3,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 5, "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": 5,
	"aws:ec2/defaultRouteTable:DefaultRouteTable": 5, "aws:ec2/flowLog:FlowLog": 10,
	"aws:ec2/securityGroup:SecurityGroup": 5, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 3,
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 3, "aws:ec2/securityGroupRule:SecurityGroupRule": 3,
	"aws:ec2/vpcEndpoint:VpcEndpoint": 90,
	// compute
	"aws:lb/loadBalancer:LoadBalancer": 180, "aws:lb/targetGroup:TargetGroup": 5, "aws:lb/listener:Listener": 5,
	"aws:lb/listenerRule:ListenerRule": 5, "aws:ec2/launchTemplate:LaunchTemplate": 5,
	"aws:autoscaling/group:Group": 240, "aws:autoscaling/policy:Policy": 5,
	"aws:iam/role:Role": 10, "aws:iam/rolePolicy:RolePolicy": 5, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
	"aws:iam/instanceProfile:InstanceProfile": 10, "aws:iam/policy:Policy": 5,
	"aws:kms/key:Key": 5, "aws:kms/alias:Alias": 3, "aws:cloudwatch/logGroup:LogGroup": 3,
	"aws:s3/bucketV2:BucketV2": 5,
	// database
	"aws:rds/globalCluster:GlobalCluster": 60, "aws:rds/cluster:Cluster": 300, "aws:rds/clusterInstance:ClusterInstance": 600,
	"aws:rds/subnetGroup:SubnetGroup": 5, "aws:rds/clusterParameterGroup:ClusterParameterGroup": 5,
	"aws:secretsmanager/secret:Secret": 10, "aws:secretsmanager/secretVersion:SecretVersion": 5,
	// edge
	"aws:acm/certificate:Certificate": 15, "aws:acm/certificateValidation:CertificateValidation": 180,
	"aws:route53/zone:Zone": 60, "aws:route53/record:Record": 60, "aws:route53/healthCheck:HealthCheck": 10,
	"aws:cloudfront/distribution:Distribution": 300, "aws:wafv2/webAcl:WebAcl": 15,
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": 5,
	// observability and failover
	"aws:sns/topic:Topic": 5, "aws:sns/topicSubscription:TopicSubscription": 5, "aws:sns/topicPolicy:TopicPolicy": 5,
	"aws:cloudwatch/metricAlarm:MetricAlarm": 3, "aws:cloudwatch/compositeAlarm:CompositeAlarm": 3,
	"aws:cloudwatch/dashboard:Dashboard": 3, "aws:cloudwatch/eventRule:EventRule": 5, "aws:cloudwatch/eventTarget:EventTarget": 5,
	"aws:backup/vault:Vault": 10, "aws:backup/plan:Plan": 5, "aws:backup/selection:Selection": 10,
	"aws:budgets/budget:Budget": 5, "aws:costexplorer/costAllocationTag:CostAllocationTag": 5, "aws:cfg/recorder:Recorder": 10, "aws:cfg/deliveryChannel:DeliveryChannel": 10,
	"aws:cfg/recorderStatus:RecorderStatus": 10, "aws:cfg/rule:Rule": 15, "aws:sfn/stateMachine:StateMachine": 15,
	"aws:fis/experimentTemplate:ExperimentTemplate": 5, "aws:accessanalyzer/analyzer:Analyzer": 10,
}

// creationSeconds returns a type's creation time and whether it came from the table.
func creationSeconds(typ string) (float64, bool) {
	if strings.HasPrefix(typ, "random:") {
		return 0, true
	}
	if s, ok := CreationSeconds[typ]; ok {
		return s, true
	}
	if strings.HasPrefix(typ, "aws:s3/") { // bucket settings
		return 3, true
	}
	return DefaultCreationSeconds, false
}

// firstDeploy finds the longest chain of dependent resources. A resource starts when every
// dependency has finished: its recorded dependencies (explicit and through inputs) and its parent
// when that is a custom resource. A dependency on a component waits for all of its resources.
func firstDeploy(g *graph) FirstDeploy {
	finish := map[string]float64{}
	prev := map[string]string{}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(n *node) float64
	visit = func(n *node) float64 {
		switch state[n.URN] {
		case 1:
			return 0 // a cycle cannot happen in a valid program; stay finite
		case 2:
			return finish[n.URN]
		}
		state[n.URN] = 1
		start, from := 0.0, ""
		consider := func(d *node) {
			if f := visit(d); f > start {
				start, from = f, d.URN
			}
		}
		for _, dep := range g.waitsFor(n) {
			consider(dep)
		}
		own := 0.0
		if n.Custom && !isProvider(n.Type) {
			own, _ = creationSeconds(n.Type)
		}
		finish[n.URN] = start + own
		prev[n.URN] = from
		state[n.URN] = 2
		return finish[n.URN]
	}
	fd := FirstDeploy{Chain: []ChainStep{}, Defaulted: []string{}, LeavesOut: append([]string{}, DeployLeavesOut...)}
	var last *node
	var serial float64
	var defaulted []string
	for _, n := range g.resources {
		f := visit(n)
		if last == nil || f > finish[last.URN] {
			last = n
		}
		s, known := creationSeconds(n.Type)
		serial += s
		if !known {
			defaulted = append(defaulted, n.Type)
		}
	}
	fd.SerialMinutes = round(serial/60, 1)
	fd.Defaulted = append(fd.Defaulted, sortStrings(defaulted)...)
	if last == nil {
		return fd
	}
	fd.TotalMinutes = round(finish[last.URN]/60, 1)
	fd.LowMinutes = math.Floor(fd.TotalMinutes * DeployLowFactor)
	fd.HighMinutes = math.Ceil(fd.TotalMinutes * DeployHighFactor)
	var chain []ChainStep
	for urn := last.URN; urn != ""; urn = prev[urn] {
		n := g.byURN[urn]
		if !n.Custom || isProvider(n.Type) {
			continue // components only pass their children's finish on
		}
		s, _ := creationSeconds(n.Type)
		chain = append(chain, ChainStep{Type: n.Type, Name: n.Name, Component: n.component, Region: n.place,
			Minutes: round(s/60, 2), FinishMinutes: round(finish[urn]/60, 2)})
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	fd.Chain = chain
	return fd
}

// waitsFor returns what n waits for before it is created, in a stable order: its dependencies, a
// custom parent, and for a component dependency every resource below that component (except n's
// own ancestors' subtree containing n, which would be a cycle).
func (g *graph) waitsFor(n *node) []*node {
	var out []*node
	seen := map[string]bool{}
	add := func(d *node) {
		if d != nil && d.URN != n.URN && !seen[d.URN] && !isProvider(d.Type) {
			seen[d.URN] = true
			out = append(out, d)
		}
	}
	deps := append([]string(nil), n.Dependencies...)
	sort.Strings(deps)
	for _, urn := range deps {
		d := g.byURN[urn]
		if d == nil {
			continue
		}
		if d.Custom {
			add(d)
			continue
		}
		if g.isAncestor(d.URN, n) {
			continue
		}
		for _, c := range g.descendants(d.URN) {
			add(c)
		}
	}
	if p := g.byURN[n.Parent]; p != nil && p.Custom {
		add(p)
	}
	return out
}

// isAncestor reports whether urn is above n.
func (g *graph) isAncestor(urn string, n *node) bool {
	for p := g.byURN[n.Parent]; p != nil; p = g.byURN[p.Parent] {
		if p.URN == urn {
			return true
		}
	}
	return false
}
