"""Text: who is a customer (roles, --team), sentence statements, and the sentence encoders
(torch / OpenVINO / ONNX) that embed them."""
