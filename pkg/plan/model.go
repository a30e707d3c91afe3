package plan

import (
	"sort"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// Global is the region bucket of services that are global although their API lives on the us-east-1
// provider: CloudFront, Route 53, Budgets, Cost Explorer and CLOUDFRONT-scope WAF.
const Global = "global"

// programComponent names the resources registered outside any component (providers, stack-level).
const programComponent = "(program)"

// componentPrefix is the type prefix of this project's components.
const componentPrefix = offline.Project + ":"

// node is one recorded resource with what the reports derive from it.
type node struct {
	*offline.Resource
	component     string // logical name of its top-level component, or programComponent
	componentType string
	place         string // region, Global, or "" for resources without a region (random)
}

// graph is every recorded resource, indexed.
type graph struct {
	all       []*node          // every recorded resource, by URN
	resources []*node          // custom, non-provider resources: what a deployment creates
	byURN     map[string]*node // every node
	invokes   []offline.Invoke
	below     map[string][]*node // descendants cache
}

func newGraph(recorded []*offline.Resource, invokes []offline.Invoke) *graph {
	g := &graph{byURN: map[string]*node{}, invokes: invokes, below: map[string][]*node{}}
	for _, r := range recorded {
		n := &node{Resource: r}
		g.all = append(g.all, n)
		g.byURN[r.URN] = n
	}
	// The SDK registers resources from concurrent goroutines: only a canonical order keeps every
	// report (ties on the critical path included) the same from run to run.
	sort.SliceStable(g.all, func(i, j int) bool { return g.all[i].URN < g.all[j].URN })
	for _, n := range g.all {
		n.component, n.componentType = programComponent, ""
		if top := g.topComponent(n); top != nil {
			n.component, n.componentType = top.Name, top.Type
		}
		n.place = placeOf(n.Resource)
		if n.Custom && !isProvider(n.Type) {
			g.resources = append(g.resources, n)
		}
	}
	return g
}

// topComponent returns the outermost project component above n (n itself excluded), or nil.
func (g *graph) topComponent(n *node) *node {
	var top *node
	seen := map[string]bool{}
	for p := g.byURN[n.Parent]; p != nil && !seen[p.URN]; p = g.byURN[p.Parent] {
		seen[p.URN] = true
		if !p.Custom && strings.HasPrefix(p.Type, componentPrefix) {
			top = p
		}
	}
	return top
}

// descendants returns the custom resources below the resource with urn.
func (g *graph) descendants(urn string) []*node {
	if cached, ok := g.below[urn]; ok {
		return cached
	}
	out := []*node{}
	defer func() { g.below[urn] = out }()
	for _, n := range g.resources {
		for p := g.byURN[n.Parent]; p != nil; p = g.byURN[p.Parent] {
			if p.URN == urn {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// ofType returns the resources of typ, by URN.
func (g *graph) ofType(typ string) []*node {
	var out []*node
	for _, n := range g.resources {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

// hasComponentType reports whether a component of the project package pkg was registered.
func (g *graph) hasComponentType(pkg string) bool {
	for _, n := range g.all {
		if !n.Custom && strings.HasPrefix(n.Type, componentPrefix+pkg+":") {
			return true
		}
	}
	return false
}

// providers returns the logical names of the provider resources, sorted.
func (g *graph) providers() []string {
	var out []string
	for _, n := range g.all {
		if isProvider(n.Type) {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}

func isProvider(typ string) bool { return offline.IsProviderType(typ) }

// globalServices are the services whose resources are global (their provider is us-east-1's).
var globalServices = []string{"aws:cloudfront/", "aws:route53/", "aws:budgets/", "aws:costexplorer/"}

// placeOf returns the region bucket of a resource: Global for global services, else its provider's
// region ("" for resources without one, such as random passwords).
func placeOf(r *offline.Resource) string {
	for _, prefix := range globalServices {
		if strings.HasPrefix(r.Type, prefix) {
			return Global
		}
	}
	if strings.HasPrefix(r.Type, "aws:wafv2/") && wafScope(r) == "CLOUDFRONT" {
		return Global
	}
	return r.Region
}

// wafScope returns the scope of a WAF resource; the logging configuration of a CLOUDFRONT WebACL
// carries its ARN, which says "global".
func wafScope(r *offline.Resource) string {
	if s := r.Str("scope"); s != "" {
		return s
	}
	if strings.Contains(r.Str("resourceArn"), ":global/") {
		return "CLOUDFRONT"
	}
	return "REGIONAL"
}

// sortStrings returns the distinct strings of in, sorted.
func sortStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
