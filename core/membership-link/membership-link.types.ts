/** A membership in the brand's own loyalty system, as the brand's system reports it. */
export type ExternalMembership = {
  memberNo: string;
  /** The brand's tier name, if it has tiers. */
  tier?: string;
};

/**
 * The port to a brand's existing membership system: does a membership with this number belong to the
 * person with this phone? The brand's system answers; Proofline never stores its member list.
 */
export type MembershipDirectory = {
  findMembership: (input: {
    brandSlug: string;
    memberNo: string;
    /** E.164, e.g. +886912345678. */
    phone: string;
  }) => Promise<ExternalMembership | undefined>;
};
