package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// group is one box of the diagram: the resources of one component in one place (region or Global).
type group struct {
	id, component, place string
	nodes                []*node
}

// edge is one arrow between two boxes; labelled edges are the known relationships, unlabelled ones
// the remaining dependencies through inputs.
type edge struct {
	from, to string
	labels   map[string]bool
	bothWays bool // drawn as one undirected line
}

// headlines name the resource types a box mentions, in this order.
var headlines = []struct{ typ, label string }{
	{"aws:ec2/vpc:Vpc", "VPC"}, {"aws:ec2/natGateway:NatGateway", "NAT"}, {"aws:ec2/vpcEndpoint:VpcEndpoint", "endpoints"},
	{"aws:ec2/flowLog:FlowLog", "flow logs"},
	{"aws:lb/loadBalancer:LoadBalancer", "ALB"}, {"aws:autoscaling/group:Group", "ASG"},
	{"aws:rds/globalCluster:GlobalCluster", "global cluster"}, {"aws:rds/cluster:Cluster", "Aurora cluster"},
	{"aws:rds/clusterInstance:ClusterInstance", "Aurora instances"}, {"aws:secretsmanager/secret:Secret", "secret"},
	{"aws:cloudfront/distribution:Distribution", "CloudFront"}, {"aws:wafv2/webAcl:WebAcl", "WAF"},
	{"aws:route53/zone:Zone", "hosted zone"}, {"aws:route53/record:Record", "DNS records"},
	{"aws:route53/healthCheck:HealthCheck", "health check"}, {"aws:acm/certificate:Certificate", "certificates"},
	{"aws:sns/topic:Topic", "SNS"}, {"aws:cloudwatch/metricAlarm:MetricAlarm", "alarms"},
	{"aws:cloudwatch/compositeAlarm:CompositeAlarm", "composite alarms"}, {"aws:cloudwatch/dashboard:Dashboard", "dashboard"},
	{"aws:backup/vault:Vault", "Backup vault"}, {"aws:budgets/budget:Budget", "budget"}, {"aws:cfg/recorder:Recorder", "AWS Config"},
	{"aws:accessanalyzer/analyzer:Analyzer", "Access Analyzer"},
	{"aws:sfn/stateMachine:StateMachine", "Step Functions"},
	{"aws:ssm/patchBaseline:PatchBaseline", "patch baseline"}, {"aws:ssm/association:Association", "daily patch scan"},
	{"aws:ssm/maintenanceWindow:MaintenanceWindow", "install window"},
	{"aws:fis/experimentTemplate:ExperimentTemplate", "FIS drills"},
}

// maxHeadlines keeps the boxes readable.
const maxHeadlines = 6

var nonID = regexp.MustCompile(`[^A-Za-z0-9]+`)

func mermaidID(prefix, s string) string {
	return prefix + strings.Trim(nonID.ReplaceAllString(s, "_"), "_")
}

// diagramOf draws the registered architecture as a Mermaid flowchart: one subgraph per place, one box
// per component and place, and the edges between boxes. By default it draws only the known
// relationships (the cross-region and edge paths: CloudFront origins, failover records, Aurora
// replication, backup copies) and the boxes they join; allEdges adds every other dependency as a
// dotted arrow, and every box. Two boxes are joined by one line at most: a relationship that runs
// both ways is one undirected line marked "each way". The output depends only on what the program
// registered, so it is stable across runs.
func diagramOf(g *graph, primary, secondary string, allEdges bool) string {
	groups := map[string]*group{}
	groupOf := map[string]*group{} // resource URN -> box
	for _, n := range g.resources {
		if n.place == "" {
			continue // random values: not infrastructure
		}
		key := n.component + "@" + n.place
		gr := groups[key]
		if gr == nil {
			id := n.component
			if !strings.HasSuffix(id, "-"+n.place) {
				id += "_" + n.place
			}
			gr = &group{id: mermaidID("n_", id), component: n.component, place: n.place}
			groups[key] = gr
		}
		gr.nodes = append(gr.nodes, n)
		groupOf[n.URN] = gr
	}
	edges := map[[2]string]*edge{}
	link := func(from, to *node, label string) {
		a, b := groupOf[from.URN], groupOf[to.URN]
		if a == nil || b == nil || a == b {
			return
		}
		k := [2]string{a.id, b.id}
		e := edges[k]
		if e == nil {
			e = &edge{from: a.id, to: b.id, labels: map[string]bool{}}
			edges[k] = e
		}
		if label != "" {
			e.labels[label] = true
		}
	}
	relate(g, primary, link)
	for _, n := range g.resources {
		for _, urn := range n.Dependencies {
			if d := g.byURN[urn]; d != nil && d.Custom {
				link(n, d, "")
			}
		}
	}

	list := foldEdges(edges, allEdges)
	drawn := map[string]bool{}
	for _, e := range list {
		drawn[e.from], drawn[e.to] = true, true
	}

	var b strings.Builder
	b.WriteString("flowchart LR\n")
	places := map[string][]*group{}
	for _, gr := range groups {
		if allEdges || drawn[gr.id] {
			places[gr.place] = append(places[gr.place], gr)
		}
	}
	var order []string
	for p := range places {
		order = append(order, p)
	}
	sort.Slice(order, func(i, j int) bool {
		return placeRank(order[i], primary, secondary) < placeRank(order[j], primary, secondary)
	})
	for _, p := range order {
		fmt.Fprintf(&b, "  subgraph %s[\"%s\"]\n", mermaidID("r_", p), placeTitle(p, primary, secondary))
		boxes := places[p]
		sort.Slice(boxes, func(i, j int) bool { return boxes[i].component < boxes[j].component })
		for _, gr := range boxes {
			fmt.Fprintf(&b, "    %s[\"%s\"]\n", gr.id, boxLabel(gr))
		}
		b.WriteString("  end\n")
	}
	for _, e := range list {
		arrow := map[[2]bool]string{{false, false}: "-.->", {false, true}: "-.-", {true, false}: "-->", {true, true}: "---"}[[2]bool{len(e.labels) > 0, e.bothWays}]
		if len(e.labels) == 0 {
			fmt.Fprintf(&b, "  %s %s %s\n", e.from, arrow, e.to)
			continue
		}
		var labels []string
		for l := range e.labels {
			labels = append(labels, l)
		}
		sort.Strings(labels)
		text := strings.Join(labels, ", ")
		if e.bothWays {
			text += ", each way"
		}
		fmt.Fprintf(&b, "  %s %s|%s| %s\n", e.from, arrow, text, e.to)
	}
	return b.String()
}

// foldEdges sorts the edges to draw and joins each pair of opposite edges into one line: labelled
// both ways, one undirected labelled line; labelled one way, that arrow alone; neither, one dotted
// line. Without allEdges only labelled edges are drawn.
func foldEdges(edges map[[2]string]*edge, allEdges bool) []*edge {
	var list []*edge
	for k, e := range edges {
		back := edges[[2]string{k[1], k[0]}]
		switch {
		case back == nil:
		case len(e.labels) > 0 && len(back.labels) > 0:
			if k[0] > k[1] {
				continue // drawn from the other side
			}
			merged := &edge{from: e.from, to: e.to, labels: map[string]bool{}, bothWays: true}
			for l := range e.labels {
				merged.labels[l] = true
			}
			for l := range back.labels {
				merged.labels[l] = true
			}
			e = merged
		case len(e.labels) == 0 && len(back.labels) > 0:
			continue // the labelled direction says it
		case len(e.labels) == 0 && len(back.labels) == 0:
			if k[0] > k[1] {
				continue
			}
			e = &edge{from: e.from, to: e.to, labels: e.labels, bothWays: true}
		}
		if len(e.labels) == 0 && !allEdges {
			continue
		}
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].from != list[j].from {
			return list[i].from < list[j].from
		}
		return list[i].to < list[j].to
	})
	return list
}

func placeRank(place, primary, secondary string) string {
	switch place {
	case Global:
		return "0"
	case primary:
		return "1"
	case secondary:
		return "2"
	}
	return "3" + place
}

func placeTitle(place, primary, secondary string) string {
	switch place {
	case Global:
		return "global: CloudFront, Route 53, WAF"
	case primary:
		return place + " (primary)"
	case secondary:
		return place + " (secondary)"
	}
	return place
}

// boxLabel names the component and its headline resources.
func boxLabel(gr *group) string {
	counts := map[string]int{}
	for _, n := range gr.nodes {
		if n.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" && n.Str("vpcEndpointType") != "Interface" {
			continue
		}
		counts[n.Type]++
	}
	var parts []string
	for _, h := range headlines {
		c := counts[h.typ]
		if c == 0 || len(parts) == maxHeadlines {
			continue
		}
		if c > 1 {
			parts = append(parts, fmt.Sprintf("%s x%d", h.label, c))
		} else {
			parts = append(parts, h.label)
		}
	}
	if len(parts) == 0 {
		parts = commonTypes(counts)
	}
	label := gr.component
	if len(parts) > 0 {
		label += "<br/>" + strings.Join(parts, ", ")
	}
	noun := "resources"
	if len(gr.nodes) == 1 {
		noun = "resource"
	}
	return fmt.Sprintf("%s<br/>%d %s", label, len(gr.nodes), noun)
}

// relate calls link for every known cross-resource relationship: CloudFront origins, DNS failover
// and alias records, Aurora global replication, backup copies, secret replicas and Route 53 health
// checks on alarms.
func relate(g *graph, primary string, link func(from, to *node, label string)) {
	for _, d := range g.ofType("aws:cloudfront/distribution:Distribution") {
		for i := 0; i < d.Len("origins"); i++ {
			for _, t := range g.resolveDNS(d.Str(fmt.Sprintf("origins[%d].domainName", i)), 0) {
				link(d, t, "origin")
			}
		}
	}
	for _, r := range g.ofType("aws:route53/record:Record") {
		label := "alias"
		if role := r.Str("failoverRoutingPolicies[0].type"); role != "" {
			label = "failover " + role
		}
		for i := 0; i < r.Len("aliases"); i++ {
			for _, t := range g.resolveDNS(r.Str(fmt.Sprintf("aliases[%d].name", i)), 0) {
				link(r, t, label)
			}
		}
	}
	members := map[string][]*node{}
	for _, c := range g.ofType("aws:rds/cluster:Cluster") {
		if id := c.Str("globalClusterIdentifier"); id != "" {
			members[id] = append(members[id], c)
		}
	}
	for _, cs := range members {
		writer := cs[0]
		for _, c := range cs {
			if c.Region == primary {
				writer = c
				break
			}
		}
		for _, c := range cs {
			if c != writer {
				link(writer, c, "Aurora global replication")
			}
		}
	}
	vaults := map[string]*node{}
	for _, v := range g.ofType("aws:backup/vault:Vault") {
		if arn := v.Outputs["arn"]; arn.IsString() {
			vaults[arn.StringValue()] = v
		}
	}
	for _, p := range g.ofType("aws:backup/plan:Plan") {
		for i := 0; i < p.Len("rules"); i++ {
			for j := 0; j < p.Len(fmt.Sprintf("rules[%d].copyActions", i)); j++ {
				if v := vaults[p.Str(fmt.Sprintf("rules[%d].copyActions[%d].destinationVaultArn", i, j))]; v != nil {
					link(p, v, "backup copy")
				}
			}
		}
	}
	for _, s := range g.ofType("aws:secretsmanager/secret:Secret") {
		for i := 0; i < s.Len("replicas"); i++ {
			region := s.Str(fmt.Sprintf("replicas[%d].region", i))
			for _, other := range g.resources {
				if other.component == s.component && other.place == region {
					link(s, other, "secret replica")
					break
				}
			}
		}
	}
	for _, hc := range g.ofType("aws:route53/healthCheck:HealthCheck") {
		name, region := hc.Str("cloudwatchAlarmName"), hc.Str("cloudwatchAlarmRegion")
		if name == "" {
			continue
		}
		for _, typ := range []string{"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"} {
			for _, a := range g.ofType(typ) {
				if a.Outputs["alarmName"].IsString() && a.Outputs["alarmName"].StringValue() == name && (region == "" || a.Region == region) {
					link(hc, a, "health check alarm")
				}
			}
		}
	}
}

// resolveDNS returns the resources a DNS name leads to: load balancers and distributions by their
// DNS names, buckets by their domain names, and Route 53 records (followed through their aliases).
func (g *graph) resolveDNS(name string, depth int) []*node {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if name == "" || depth > 3 {
		return nil
	}
	var out []*node
	for _, n := range g.resources {
		for _, key := range []string{"dnsName", "domainName", "bucketRegionalDomainName"} {
			if v := n.Outputs[resource.PropertyKey(key)]; v.IsString() && strings.EqualFold(strings.TrimSuffix(v.StringValue(), "."), name) &&
				n.Type != "aws:route53/record:Record" && n.Type != "aws:acm/certificate:Certificate" {
				out = append(out, n)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, r := range g.ofType("aws:route53/record:Record") {
		if !strings.EqualFold(strings.TrimSuffix(r.Str("name"), "."), name) {
			continue
		}
		for i := 0; i < r.Len("aliases"); i++ {
			out = append(out, g.resolveDNS(r.Str(fmt.Sprintf("aliases[%d].name", i)), depth+1)...)
		}
		for _, v := range r.Strings("records") {
			out = append(out, g.resolveDNS(v, depth+1)...)
		}
	}
	return out
}

// commonTypes names a box that holds none of the headline types by its most common resource types
// (at most three), so no box is only a name and a count.
func commonTypes(counts map[string]int) []string {
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		if counts[types[i]] != counts[types[j]] {
			return counts[types[i]] > counts[types[j]]
		}
		return types[i] < types[j]
	})
	var parts []string
	for _, t := range types[:min(3, len(types))] {
		label := typeLabel(t)
		if counts[t] > 1 {
			label += fmt.Sprintf(" x%d", counts[t])
		}
		parts = append(parts, label)
	}
	return parts
}

var wordStart = regexp.MustCompile(`([a-z0-9])([A-Z])`)

// typeLabel turns a type token into words: aws:cloudwatch/logGroup:LogGroup is "cloudwatch log group".
func typeLabel(token string) string {
	mod, name := token, token
	if parts := strings.Split(token, ":"); len(parts) == 3 {
		mod, _, _ = strings.Cut(parts[1], "/")
		name = parts[2]
	}
	words := strings.ToLower(wordStart.ReplaceAllString(name, "$1 $2"))
	if strings.HasPrefix(words, strings.ToLower(mod)) {
		return words
	}
	return mod + " " + words
}
