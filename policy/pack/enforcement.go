package pack

import (
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Enforcement is a policy's enforcement level, as the analyzer protocol names it.
type Enforcement = pulumirpc.EnforcementLevel

// The levels the pack uses. Mandatory stops the preview or update; advisory only warns; disabled
// does not run.
const (
	Advisory  = pulumirpc.EnforcementLevel_ADVISORY
	Mandatory = pulumirpc.EnforcementLevel_MANDATORY
	Disabled  = pulumirpc.EnforcementLevel_DISABLED
	Remediate = pulumirpc.EnforcementLevel_REMEDIATE
)

// EnforcementName is the level as Pulumi's CLI and Cloud spell it ("mandatory").
func EnforcementName(e Enforcement) string {
	switch e {
	case Advisory:
		return "advisory"
	case Mandatory:
		return "mandatory"
	case Disabled:
		return "disabled"
	case Remediate:
		return "remediate"
	}
	return fmt.Sprintf("enforcement(%d)", int32(e))
}

// effective is the level a configured policy runs at. The pack has no remediations, so a policy
// configured "remediate" keeps blocking (mandatory) rather than silently passing.
func effective(e Enforcement) Enforcement {
	if e == Remediate {
		return Mandatory
	}
	return e
}
