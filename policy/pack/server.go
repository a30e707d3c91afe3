package pack

import (
	"context"
	"fmt"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// Server is the pack's analyzer: the SDK's generated pulumirpc.AnalyzerServer over the rules of
// pkg/policy. Its metadata does not depend on a stack, so GetPluginInfo and GetAnalyzerInfo answer
// before (or without) ConfigureStack, as `pulumi policy publish` needs. Remediate stays
// unimplemented: the engine treats that as "no remediations".
type Server struct {
	pulumirpc.UnimplementedAnalyzerServer

	version string

	mu     sync.Mutex
	levels map[string]Enforcement // per-policy levels from Configure (a Pulumi Cloud policy group)
	stack  string                 // from ConfigureStack, for messages only
}

// NewServer returns the analyzer serving the pack at version (PackVersion when empty).
func NewServer(version string) *Server {
	if version == "" {
		version = PackVersion
	}
	return &Server{version: version, levels: map[string]Enforcement{}}
}

// Handshake accepts the engine's handshake; the pack needs nothing from it.
func (s *Server) Handshake(context.Context, *pulumirpc.AnalyzerHandshakeRequest) (*pulumirpc.AnalyzerHandshakeResponse, error) {
	return &pulumirpc.AnalyzerHandshakeResponse{}, nil
}

// GetPluginInfo answers the pack's version, at any time.
func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

// GetAnalyzerInfo lists every policy with its enforcement level, at any time.
func (s *Server) GetAnalyzerInfo(context.Context, *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	info := &pulumirpc.AnalyzerInfo{
		Name:           PackName,
		DisplayName:    "multi-region-ha guardrails",
		Version:        s.version,
		Description:    Description,
		SupportsConfig: true, // the engine adds the enforcementLevel property to each schema
		Provider:       "aws",
	}
	for _, p := range Policies() {
		typ := pulumirpc.PolicyType_POLICY_TYPE_RESOURCE
		if p.Kind == StackPolicy {
			typ = pulumirpc.PolicyType_POLICY_TYPE_STACK
		}
		info.Policies = append(info.Policies, &pulumirpc.PolicyInfo{
			Name:             p.Name,
			Description:      p.Description,
			EnforcementLevel: p.Enforcement,
			PolicyType:       typ,
			Severity:         pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
			RemediationSteps: p.Description,
		})
	}
	return info, nil
}

// ConfigureStack records the stack. The pack is the same for every stack: the rules read the
// environment from each resource's tags, never from the stack's name or config.
func (s *Server) ConfigureStack(_ context.Context, req *pulumirpc.AnalyzerStackConfigureRequest) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stack = req.GetStack()
	return &pulumirpc.AnalyzerStackConfigureResponse{}, nil
}

// Configure takes per-policy enforcement levels (from `--policy-pack-config` or a Pulumi Cloud
// policy group). An unknown policy name is an error, so a typo cannot leave a policy at a level
// nobody chose.
func (s *Server) Configure(_ context.Context, req *pulumirpc.ConfigureAnalyzerRequest) (*emptypb.Empty, error) {
	known := map[string]bool{}
	for _, p := range Policies() {
		known[p.Name] = true
	}
	levels := map[string]Enforcement{}
	for name, c := range req.GetPolicyConfig() {
		if !known[name] {
			return nil, fmt.Errorf("policy pack %s has no policy %q", PackName, name)
		}
		levels[name] = c.GetEnforcementLevel()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.levels = levels
	return &emptypb.Empty{}, nil
}

func (s *Server) level(p Policy) Enforcement {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.levels[p.Name]; ok {
		return effective(l)
	}
	return p.Enforcement
}

// Analyze runs every resource policy on one resource (the engine sends its inputs before it is
// created or updated).
func (s *Server) Analyze(_ context.Context, req *pulumirpc.AnalyzeRequest) (*pulumirpc.AnalyzeResponse, error) {
	a, err := analyzed(req.GetType(), req.GetName(), req.GetUrn(), req.GetProperties(), req.GetOptions(), req.GetProvider())
	if err != nil {
		return nil, err
	}
	r := ToRule(a)
	rules := map[string]policy.Rule{}
	for _, rule := range policy.Rules() {
		rules[rule.Name] = rule
	}
	resp := &pulumirpc.AnalyzeResponse{}
	for _, p := range Policies() {
		rule, ok := rules[p.Name]
		level := s.level(p)
		if p.Kind != ResourcePolicy || !ok || level == Disabled || !rule.AppliesTo(r.Type) {
			continue
		}
		for _, msg := range rule.Check(r) {
			resp.Diagnostics = append(resp.Diagnostics, s.diagnostic(p, level, r.URN, msg))
		}
	}
	return resp, nil
}

// AnalyzeStack runs every stack policy over all resources (the engine sends their outputs at the
// end of a preview or update).
func (s *Server) AnalyzeStack(_ context.Context, req *pulumirpc.AnalyzeStackRequest) (*pulumirpc.AnalyzeResponse, error) {
	all := make([]*policy.Resource, 0, len(req.GetResources()))
	for _, res := range req.GetResources() {
		a, err := analyzed(res.GetType(), res.GetName(), res.GetUrn(), res.GetProperties(), res.GetOptions(), res.GetProvider())
		if err != nil {
			return nil, err
		}
		a.Dependencies = res.GetDependencies()
		a.PropertyDependencies = map[string][]string{}
		for k, deps := range res.GetPropertyDependencies() {
			if urns := deps.GetUrns(); len(urns) > 0 {
				a.PropertyDependencies[k] = urns
			}
		}
		all = append(all, ToRule(a))
	}
	rules := map[string]policy.StackRule{}
	for _, rule := range policy.StackRules() {
		rules[rule.Name] = rule
	}
	resp := &pulumirpc.AnalyzeResponse{}
	for _, p := range Policies() {
		rule, ok := rules[p.Name]
		level := s.level(p)
		if p.Kind != StackPolicy || !ok || level == Disabled {
			continue
		}
		for _, f := range rule.Check(all) {
			resp.Diagnostics = append(resp.Diagnostics, s.diagnostic(p, level, f.URN, f.Message))
		}
	}
	return resp, nil
}

// Cancel has nothing to stop: every call is short and synchronous.
func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *Server) diagnostic(p Policy, level Enforcement, urn, msg string) *pulumirpc.AnalyzeDiagnostic {
	return &pulumirpc.AnalyzeDiagnostic{
		PolicyName:        p.Name,
		PolicyPackName:    PackName,
		PolicyPackVersion: s.version,
		Description:       p.Description,
		Message:           p.Description + "\n" + msg, // what the CLI prints: the fix, then the problem
		EnforcementLevel:  level,
		Urn:               urn,
		Severity:          pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
	}
}

// unmarshal keeps what a preview sends: unknown values stay computed (a rule must not call a key
// ARN that is not known yet "missing"), secrets stay secrets.
var unmarshal = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func analyzed(typ, name, urn string, props *structpb.Struct, opts *pulumirpc.AnalyzerResourceOptions, provider *pulumirpc.AnalyzerProviderResource) (Analyzed, error) {
	pm, err := plugin.UnmarshalProperties(props, withLabel(urn))
	if err != nil {
		return Analyzed{}, fmt.Errorf("properties of %s: %w", urn, err)
	}
	a := Analyzed{Type: typ, Name: name, URN: urn, Properties: pm, Protect: opts.GetProtect()}
	if provider != nil {
		ppm, err := plugin.UnmarshalProperties(provider.GetProperties(), withLabel(provider.GetUrn()))
		if err != nil {
			return Analyzed{}, fmt.Errorf("provider of %s: %w", urn, err)
		}
		a.Provider = &AnalyzedProvider{Type: provider.GetType(), Name: provider.GetName(), URN: provider.GetUrn(), Properties: ppm}
	}
	return a, nil
}

func withLabel(label string) plugin.MarshalOptions {
	o := unmarshal
	o.Label = PackName + "." + label
	return o
}

// compile-time check that Server is a complete analyzer.
var _ pulumirpc.AnalyzerServer = (*Server)(nil)
