package plan

import "sort"

// inventory counts the resources per component, region and type.
func inventory(g *graph) Inventory {
	inv := Inventory{Total: len(g.resources), Providers: g.providers()}
	type compKey struct{ name, typ string }
	comps := map[compKey][]*node{}
	regions := map[string]int{}
	for _, n := range g.resources {
		k := compKey{n.component, n.componentType}
		comps[k] = append(comps[k], n)
		regions[n.Region]++
	}
	for k, nodes := range comps {
		c := ComponentCount{Component: k.name, Type: k.typ, Resources: len(nodes), Types: countTypes(nodes), Regions: []string{}}
		var rs []string
		for _, n := range nodes {
			if n.Region != "" {
				rs = append(rs, n.Region)
			}
		}
		if rs = sortStrings(rs); rs != nil {
			c.Regions = rs
		}
		inv.Components = append(inv.Components, c)
	}
	sort.Slice(inv.Components, func(i, j int) bool { return inv.Components[i].Component < inv.Components[j].Component })
	for r, count := range regions {
		inv.Regions = append(inv.Regions, RegionCount{Region: r, Resources: count})
	}
	sort.Slice(inv.Regions, func(i, j int) bool { return inv.Regions[i].Region < inv.Regions[j].Region })
	inv.Types = countTypes(g.resources)

	invokes := map[[2]string]int{}
	for _, i := range g.invokes {
		invokes[[2]string{i.Token, i.Region}]++
	}
	inv.DataSources = []InvokeCount{}
	for k, count := range invokes {
		inv.DataSources = append(inv.DataSources, InvokeCount{Token: k[0], Region: k[1], Count: count})
	}
	sort.Slice(inv.DataSources, func(i, j int) bool {
		a, b := inv.DataSources[i], inv.DataSources[j]
		if a.Token != b.Token {
			return a.Token < b.Token
		}
		return a.Region < b.Region
	})
	if inv.Components == nil {
		inv.Components = []ComponentCount{}
	}
	if inv.Regions == nil {
		inv.Regions = []RegionCount{}
	}
	if inv.Providers == nil {
		inv.Providers = []string{}
	}
	return inv
}

// countTypes counts nodes per (type, region), sorted by type then region.
func countTypes(nodes []*node) []TypeCount {
	counts := map[[2]string]int{}
	for _, n := range nodes {
		counts[[2]string{n.Type, n.Region}]++
	}
	out := []TypeCount{}
	for k, c := range counts {
		out = append(out, TypeCount{Type: k[0], Region: k[1], Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Region < out[j].Region
	})
	return out
}
