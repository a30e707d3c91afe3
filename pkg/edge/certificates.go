package edge

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CertificatesArgs configures the hosted zone and the certificates of the edge.
type CertificatesArgs struct {
	// DomainName is the public hosted zone's domain.
	DomainName string
	// CreateHostedZone creates the zone (protected when Protect); false uses HostedZoneId.
	CreateHostedZone bool
	// HostedZoneId is the existing public zone of DomainName (edge.hostedZoneId), required unless
	// CreateHostedZone: pinned in config, never looked up, so Route 53's control plane is not read
	// at deploy time.
	HostedZoneId string
	Names        Names
	// Regions are [primary, secondary]: one ALB certificate each.
	Regions []string
	// RegionalProviders holds the provider of each region, for the ALB certificates.
	RegionalProviders map[string]*aws.Provider
	// EdgeProvider is the us-east-1 provider: CloudFront's viewer certificate, and Route 53 (global).
	EdgeProvider *aws.Provider
	Protect      bool
}

func (a *CertificatesArgs) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	if a.DomainName == "" {
		return errors.New("DomainName is required")
	}
	if !a.CreateHostedZone && !HostedZoneIdPattern.MatchString(a.HostedZoneId) {
		return fmt.Errorf("HostedZoneId %q is not a Route 53 hosted zone id (Z and up to 31 letters or digits); it is required unless CreateHostedZone", a.HostedZoneId)
	}
	if a.Names.Domain != a.DomainName {
		return fmt.Errorf("Names are under %q, not DomainName %q", a.Names.Domain, a.DomainName)
	}
	if len(a.Regions) != 2 || a.Regions[0] == a.Regions[1] {
		return fmt.Errorf("Regions must be two distinct regions, got %v", a.Regions)
	}
	if err := a.Names.Validate(a.Regions...); err != nil {
		return err
	}
	for _, r := range a.Regions {
		if a.RegionalProviders[r] == nil {
			return fmt.Errorf("RegionalProviders has no provider for %s", r)
		}
	}
	if a.EdgeProvider == nil {
		return errors.New("EdgeProvider (us-east-1) is required")
	}
	return nil
}

// Certificates is the hosted zone and the validated certificates of the edge.
type Certificates struct {
	pulumi.ResourceState

	ZoneId      pulumi.StringOutput      `pulumi:"zoneId"`
	NameServers pulumi.StringArrayOutput `pulumi:"nameServers"`
	// ViewerCertificateArn is CloudFront's certificate (us-east-1), available once validated.
	ViewerCertificateArn pulumi.StringOutput `pulumi:"viewerCertificateArn"`
	// RegionalCertificateArns maps each region to its ALB certificate, available once validated.
	RegionalCertificateArns pulumi.StringMapOutput `pulumi:"regionalCertificateArns"`

	regional map[string]pulumi.StringOutput // validated ARN per region, without the other regions' dependencies
}

// certificate is one ACM certificate, the provider it lives on, and the names it covers.
type certificate struct {
	key      string // "viewer" or the region code
	cert     *acm.Certificate
	provider *aws.Provider
	names    []string
}

// NewCertificates builds (or looks up) the zone, the certificates and their DNS validation.
func NewCertificates(ctx *pulumi.Context, name string, args *CertificatesArgs, opts ...pulumi.ResourceOption) (*Certificates, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("certificates %s: %w", name, err)
	}
	c := &Certificates{}
	if err := ctx.RegisterComponentResource("multi-region-ha:edge:Certificates", name, c, opts...); err != nil {
		return nil, fmt.Errorf("certificates %s: %w", name, err)
	}
	if err := c.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("certificates %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"zoneId":                  c.ZoneId,
		"nameServers":             c.NameServers,
		"viewerCertificateArn":    c.ViewerCertificateArn,
		"regionalCertificateArns": c.RegionalCertificateArns,
	}); err != nil {
		return nil, fmt.Errorf("certificates %s: %w", name, err)
	}
	return c, nil
}

func (c *Certificates) build(ctx *pulumi.Context, name string, args *CertificatesArgs) error {
	if err := c.zone(ctx, name, args); err != nil {
		return err
	}
	n := args.Names

	// The viewer certificate (CloudFront reads certificates from us-east-1 only), then one ALB
	// certificate per region: the failover origin name is its first name (the shorter one, within
	// ACM's 64 characters), the region's own origin name its SAN.
	certs := []certificate{{key: "viewer", provider: args.EdgeProvider, names: []string{n.Viewer()}}}
	for _, region := range args.Regions {
		certs = append(certs, certificate{key: region, provider: args.RegionalProviders[region],
			names: []string{n.FailoverOrigin(), n.Regional(region)}})
	}
	for i := range certs {
		cert, err := newCertificate(ctx, name+"-"+certs[i].key, certs[i].names, pulumi.Parent(c), pulumi.Provider(certs[i].provider))
		if err != nil {
			return err
		}
		certs[i].cert = cert
	}

	records, err := c.validationRecords(ctx, name, certs, n, args)
	if err != nil {
		return err
	}

	regional := pulumi.StringMap{}
	c.regional = map[string]pulumi.StringOutput{}
	for _, ct := range certs {
		fqdns := pulumi.StringArray{}
		for _, dn := range ct.names {
			fqdns = append(fqdns, records[dn].Fqdn)
		}
		v, err := acm.NewCertificateValidation(ctx, name+"-"+ct.key+"-validation", &acm.CertificateValidationArgs{
			CertificateArn:        ct.cert.Arn,
			ValidationRecordFqdns: fqdns,
		}, pulumi.Parent(c), pulumi.Provider(ct.provider))
		if err != nil {
			return err
		}
		if ct.key == "viewer" {
			c.ViewerCertificateArn = v.CertificateArn
		} else {
			regional[ct.key] = v.CertificateArn
			c.regional[ct.key] = v.CertificateArn
		}
	}
	c.RegionalCertificateArns = regional.ToStringMapOutput()
	return nil
}

// RegionalCertificateArn is region's validated ALB certificate. Unlike an element of
// RegionalCertificateArns, it depends on that region's certificate only, so a listener does not wait for
// the other region's validation.
func (c *Certificates) RegionalCertificateArn(region string) pulumi.StringOutput {
	if arn, ok := c.regional[region]; ok {
		return arn
	}
	return c.RegionalCertificateArns.MapIndex(pulumi.String(region))
}

// zone creates the public hosted zone or takes the pinned one. Route 53 is global: the edge provider serves.
func (c *Certificates) zone(ctx *pulumi.Context, name string, args *CertificatesArgs) error {
	if args.CreateHostedZone {
		z, err := route53.NewZone(ctx, name+"-zone", &route53.ZoneArgs{
			Name:    pulumi.String(args.DomainName),
			Comment: pulumi.String("Public zone of " + args.DomainName + " (multi-region-ha)"),
			Tags:    nameTag(name + "-zone"),
		}, pulumi.Parent(c), pulumi.Provider(args.EdgeProvider), pulumi.Protect(args.Protect))
		if err != nil {
			return err
		}
		c.ZoneId = z.ZoneId
		c.NameServers = z.NameServers
		return nil
	}
	c.ZoneId = pulumi.String(args.HostedZoneId).ToStringOutput()
	// The zone's name servers are not known without a lookup; only a created zone exports them.
	c.NameServers = pulumi.StringArray{}.ToStringArrayOutput()
	return nil
}

// HostedZoneIdPattern is the form of a Route 53 hosted zone id (without the /hostedzone/ prefix).
var HostedZoneIdPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)

func newCertificate(ctx *pulumi.Context, name string, names []string, opts ...pulumi.ResourceOption) (*acm.Certificate, error) {
	var sans pulumi.StringArrayInput // unset rather than empty: ACM lists the domain name as a SAN itself
	if len(names) > 1 {
		sans = pulumi.ToStringArray(names[1:])
	}
	return acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:              pulumi.String(names[0]),
		SubjectAlternativeNames: sans,
		ValidationMethod:        pulumi.String("DNS"),
		KeyAlgorithm:            pulumi.String("RSA_2048"),
		Options: &acm.CertificateOptionsArgs{
			CertificateTransparencyLoggingPreference: pulumi.String("ENABLED"),
		},
		Tags: nameTag(name),
	}, opts...)
}

// validationRecordTTL is the TTL of the DNS validation CNAMEs: short, so a renewed or re-requested
// certificate validates quickly.
const validationRecordTTL = 60

// validationRecords creates one CNAME per distinct domain name. ACM gives the same name the same
// validation record in every certificate of the account (the failover origin name is in both
// regional certificates), so a record per certificate would conflict. The names are known
// statically; each record's name and value come from the first certificate that covers it.
func (c *Certificates) validationRecords(ctx *pulumi.Context, name string, certs []certificate, n Names, args *CertificatesArgs) (map[string]*route53.Record, error) {
	keys := map[string]string{n.Viewer(): "viewer", n.FailoverOrigin(): "origin"}
	for _, r := range args.Regions {
		keys[n.Regional(r)] = r
	}
	records := map[string]*route53.Record{}
	for _, ct := range certs {
		for _, dn := range ct.names {
			if records[dn] != nil {
				continue
			}
			option := validationOption(ct.cert, dn)
			rec, err := route53.NewRecord(ctx, name+"-validation-"+keys[dn], &route53.RecordArgs{
				ZoneId:  c.ZoneId,
				Name:    option.ResourceRecordName().Elem(),
				Type:    option.ResourceRecordType().Elem(),
				Records: pulumi.StringArray{option.ResourceRecordValue().Elem()},
				Ttl:     pulumi.Int(validationRecordTTL),
				// The record may already exist with this very value: ACM answers the same name with the
				// same CNAME in every region and certificate of the account, so an earlier certificate
				// (another stack, a previous deployment) may have left it. Take it over rather than fail.
				AllowOverwrite: pulumi.Bool(true),
			}, pulumi.Parent(c), pulumi.Provider(args.EdgeProvider))
			if err != nil {
				return nil, err
			}
			records[dn] = rec
		}
	}
	return records, nil
}

// validationOption picks the validation option of domainName from a certificate's outputs.
func validationOption(cert *acm.Certificate, domainName string) acm.CertificateDomainValidationOptionOutput {
	return cert.DomainValidationOptions.ApplyT(func(opts []acm.CertificateDomainValidationOption) (acm.CertificateDomainValidationOption, error) {
		for _, o := range opts {
			if o.DomainName != nil && *o.DomainName == domainName {
				return o, nil
			}
		}
		return acm.CertificateDomainValidationOption{}, fmt.Errorf("certificate has no validation option for %s", domainName)
	}).(acm.CertificateDomainValidationOptionOutput)
}
