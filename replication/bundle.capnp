# A bundle: the changes one node carries to another on a USB stick (replication/bundle.h).
#
# A bundle file is a 16-byte header ("DANCUBDL", the format version as a little-endian UInt32,
# four zero bytes), the sender's Ed25519 signature over "dancu/bundle/v1" || body (64 bytes), and
# the body: the canonical bytes of one BundleBody. Everything a link session's reference data and
# segments carry travels in it, so the receiver verifies and ingests it exactly as a session's.
@0xc4a7db0fd8087e18;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::wire");

using Version = import "/storage/change.capnp".Version;
using Segment = import "/replication/wire.capnp".Segment;

const bundleFormatVersion :UInt32 = 1;

struct BundleBody {
  sender @0 :UInt64;            # node id of the signer
  recipient @1 :UInt64;         # the node this bundle is for; any other refuses it
  createdAt @2 :UInt64;         # ms since the Unix epoch, the sender's clock (informative)
  senderChain @3 :Data;         # canonical CertificateChain of the sender, root first
  chains @4 :List(Data);        # the certificate chains of the origins whose segments follow
  revocations @5 :List(Data);   # every revocation the sender knows
  versions @6 :List(Version);   # the sender's version vector: what the recipient may stop sending
  segments @7 :List(Segment);   # per origin in seq order, from what the sender knew the recipient held
  recipientLog @8 :Data;        # the sender's checkpoint of the recipient's own log (wire.capnp yourLog)
}
