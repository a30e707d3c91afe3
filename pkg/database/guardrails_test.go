package database

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// policyView hands what the mocks recorded to the project's guardrails, providers resolved.
func policyView(m *offline.Mocks) []*policy.Resource {
	providers := map[string]*policy.Provider{}
	for _, r := range m.Resources() {
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			providers[r.Name] = policy.ProviderFromInputs(r.Name, r.Inputs)
		}
	}
	var out []*policy.Resource
	for _, r := range m.Resources() {
		out = append(out, &policy.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, ID: r.ID, Inputs: r.Inputs, Outputs: r.Outputs,
			Provider: providers[r.ProviderName], Protect: r.Protect, Dependencies: r.Dependencies,
		})
	}
	return out
}

func TestTheComponentPassesTheGuardrails(t *testing.T) {
	for _, tc := range []struct {
		stack  string
		mutate func(*Args)
	}{
		{"prod", func(*Args) {}},
		{"staging", func(a *Args) {
			a.Protect, a.DeletionProtection, a.BackupRetentionDays, a.Home.Instances = false, false, 7, 1
		}},
		{"prod", func(a *Args) { a.Engine, a.EngineVersion = "aurora-mysql", "8.0.mysql_aurora.3.08.0" }},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			args := testArgs(regionA, regionB)
			tc.mutate(args)
			m, _ := run(t, tc.stack, args)
			resources := policyView(m)
			require.NotEmpty(t, resources)
			for _, v := range policy.Check(resources) {
				t.Errorf("%s", v)
			}
		})
	}
}

// The guardrails would catch a secondary with credentials: the check above is not vacuous.
func TestTheGuardrailsSeeTheDatabase(t *testing.T) {
	m, _ := run(t, "prod", testArgs(regionA, regionB))
	resources := policyView(m)
	for _, r := range resources {
		if r.Type == tCluster && strings.Contains(r.Name, regionB) {
			r.Inputs = r.Inputs.Copy()
			r.Inputs["masterUsername"] = offline.Lookup(m.Named(tCluster, "database-"+regionA+"-cluster").Inputs, "masterUsername")
			r.Inputs["storageEncrypted"] = offline.Lookup(r.Inputs, "engine") // not true
		}
	}
	var found []string
	for _, v := range policy.Check(resources) {
		found = append(found, v.String())
	}
	joined := strings.Join(found, "\n")
	assert.Contains(t, joined, "aurora-global-secondary-no-credentials")
	assert.Contains(t, joined, "aurora-storage-encrypted")
}
