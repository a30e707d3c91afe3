// Package offline is the offline model of an AWS account that `go run . plan`, `go run . guardrails`
// and every test of the program run on. It implements the SDK's mock monitor: it records every
// registered resource (type, name, inputs, provider and the provider's region, parent, dependencies
// and resource options) and every invoke, and answers each resource with the outputs AWS would give
// it. It is product code; the test-only helpers live apart, in offline/offlinetest.
package offline

import (
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Project is the Pulumi project name the harness registers resources under.
const Project = "multi-region-ha"

// AccountID is the AWS account the mocks pretend to be.
const AccountID = "123456789012"

// Resource is one registered resource as the engine would receive it.
type Resource struct {
	Type                    string
	Name                    string
	URN                     string
	ID                      string
	Custom                  bool
	Inputs                  resource.PropertyMap
	Outputs                 resource.PropertyMap
	ProviderRef             string // "urn::id" of the explicit provider, "" when none was given
	ProviderName            string // logical name of that provider (e.g. "aws-us-east-1")
	Region                  string // region of that provider, "" when none
	Parent                  string // parent URN
	Dependencies            []string
	IgnoreChanges           []string
	Protect                 bool
	RetainOnDelete          bool
	DeleteBeforeReplace     bool
	AdditionalSecretOutputs []string
	ReplaceOnChanges        []string
}

// Invoke is one data-source call.
type Invoke struct {
	Token        string
	Args         resource.PropertyMap
	ProviderName string
	Region       string
}

// Mocks implements pulumi.MockResourceMonitor and records what the program registers.
type Mocks struct {
	mu        sync.Mutex
	stack     string
	resources []*Resource
	invokes   []Invoke
	providers map[string]*Resource // provider ID -> provider resource
}

// NewMocks returns an empty recorder for stack.
func NewMocks(stack string) *Mocks {
	return &Mocks{stack: stack, providers: map[string]*Resource{}}
}

// NewResource records a registration and answers with plausible outputs for its type.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()

	r := &Resource{
		Type:        args.TypeToken,
		Name:        args.Name,
		Custom:      args.Custom,
		Inputs:      args.Inputs,
		ProviderRef: args.Provider,
	}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Dependencies = rpc.GetDependencies()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.AdditionalSecretOutputs = rpc.GetAdditionalSecretOutputs()
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	if p := m.providerOf(args.Provider); p != nil {
		r.ProviderName = p.Name
		r.Region = providerRegion(p)
	}
	r.ID = args.Name + "-id"
	if args.ID != "" {
		r.ID = args.ID
	}
	if IsProviderType(r.Type) {
		r.ID = "provider-" + args.Name
		m.providers[r.ID] = r
	}
	if !args.Custom {
		r.ID = ""
	}
	if err := validate(r); err != nil {
		return "", nil, err
	}
	r.Outputs = outputsFor(r)
	m.resources = append(m.resources, r)
	return r.ID, r.Outputs, nil
}

// Call records an invoke and fails it: the program makes no data-source calls (see answerInvoke).
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	inv := Invoke{Token: args.Token, Args: args.Args}
	if p := m.providerOf(args.Provider); p != nil {
		inv.ProviderName = p.Name
		inv.Region = providerRegion(p)
	}
	m.invokes = append(m.invokes, inv)
	m.mu.Unlock()
	return answerInvoke(args.Token, args.Args, inv.Region)
}

// providerOf resolves a provider reference ("urn::id") to the recorded provider resource.
func (m *Mocks) providerOf(ref string) *Resource {
	if ref == "" {
		return nil
	}
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return nil
	}
	return m.providers[ref[i+2:]]
}

// urn builds the URN the SDK's mock monitor gives a resource, so Parent and Dependencies match.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(Project), parentType, tokens.Type(typ), name))
}

// Resources returns every recorded resource in registration order.
func (m *Mocks) Resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Resource(nil), m.resources...)
}

// Invokes returns every recorded invoke in call order.
func (m *Mocks) Invokes() []Invoke {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Invoke(nil), m.invokes...)
}

// OfType returns the resources of a type token, sorted by name.
func (m *Mocks) OfType(typ string) []*Resource {
	var out []*Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Named returns the resource of type typ and logical name, or nil.
func (m *Mocks) Named(typ, name string) *Resource {
	for _, r := range m.Resources() {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// ByURN returns the resource with urn, or nil.
func (m *Mocks) ByURN(urn string) *Resource {
	for _, r := range m.Resources() {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// Children returns the resources whose parent is the resource with urn.
func (m *Mocks) Children(urn string) []*Resource {
	var out []*Resource
	for _, r := range m.Resources() {
		if r.Parent == urn {
			out = append(out, r)
		}
	}
	return out
}

// Descendants returns every resource below the resource with urn.
func (m *Mocks) Descendants(urn string) []*Resource {
	var out []*Resource
	for _, c := range m.Children(urn) {
		out = append(out, c)
		out = append(out, m.Descendants(c.URN)...)
	}
	return out
}

// InRegion returns the resources of type typ whose provider is in region.
func (m *Mocks) InRegion(typ, region string) []*Resource {
	var out []*Resource
	for _, r := range m.OfType(typ) {
		if r.Region == region {
			out = append(out, r)
		}
	}
	return out
}

// DependsOn reports whether r lists other among its explicit or input dependencies.
func (r *Resource) DependsOn(other *Resource) bool {
	for _, d := range r.Dependencies {
		if d == other.URN {
			return true
		}
	}
	return false
}

// Ignores reports whether r ignores changes to property.
func (r *Resource) Ignores(property string) bool {
	for _, p := range r.IgnoreChanges {
		if p == property {
			return true
		}
	}
	return false
}

// providerRegion is the region an AWS provider deploys to ("" for providers without one, e.g. random).
func providerRegion(p *Resource) string {
	if v := p.Inputs["region"]; v.IsString() {
		return v.StringValue()
	}
	return ""
}
