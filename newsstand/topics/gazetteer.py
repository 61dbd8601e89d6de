"""The few names topics.extraction cannot tell from their shape: places (countries, US states, large cities), the
adjectives of countries, the words that end an organisation's name, and the aliases of the names the news writes
several ways. Small on purpose: kinds for the common names, not a world atlas; what is not here is still found,
as a person, an organisation or a subject by its shape."""

from __future__ import annotations

import re


def _names(text: str) -> frozenset[str]:
    return frozenset(name.strip().lower() for name in text.split("|") if name.strip())


PLACES = _names(
    """Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|Bahrain|
    Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|
    Burundi|Cambodia|Cameroon|Canada|Chad|Chile|China|Colombia|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|
    Czechia|Denmark|Djibouti|Dominican Republic|Ecuador|Egypt|El Salvador|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|
    Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Guatemala|Guinea|Guyana|Haiti|Honduras|Hungary|Iceland|
    India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kosovo|Kuwait|
    Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|
    Maldives|Mali|Malta|Mauritania|Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|
    Namibia|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|
    Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|
    Saudi Arabia|Senegal|Serbia|Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|South Korea|South Sudan|
    Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|Tunisia|
    Turkey|Turkmenistan|Uganda|Ukraine|United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Vatican|
    Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|England|Scotland|Wales|Northern Ireland|Gaza|West Bank|Crimea|Hong Kong|
    Europe|Africa|Asia|Antarctica|Arctic|Middle East|Latin America|North America|South America|Caribbean|
    Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|Illinois|Indiana|
    Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|
    Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|
    Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|
    West Virginia|Wisconsin|Wyoming|Puerto Rico|Ontario|Quebec|British Columbia|Alberta|Queensland|New South Wales|
    Victoria|Bavaria|Catalonia|Kashmir|Punjab|Kerala|Tibet|Xinjiang|Siberia|
    London|Paris|Berlin|Madrid|Rome|Milan|Moscow|Kyiv|Kiev|Beijing|Shanghai|Tokyo|Seoul|Delhi|New Delhi|Mumbai|
    Bangalore|Karachi|Lahore|Islamabad|Kabul|Tehran|Baghdad|Damascus|Beirut|Jerusalem|Tel Aviv|Cairo|Istanbul|Ankara|
    Athens|Vienna|Warsaw|Prague|Budapest|Brussels|Amsterdam|Geneva|Zurich|Stockholm|Oslo|Copenhagen|Helsinki|Dublin|
    Edinburgh|Glasgow|Manchester|Birmingham|Liverpool|Leeds|Bristol|Cardiff|Belfast|Lisbon|Barcelona|Munich|Frankfurt|
    Hamburg|Sydney|Melbourne|Brisbane|Perth|Auckland|Toronto|Montreal|Vancouver|Ottawa|Mexico City|Havana|
    Rio de Janeiro|Sao Paulo|Buenos Aires|Lima|Bogota|Caracas|Santiago|Johannesburg|Cape Town|Nairobi|Lagos|Abuja|
    Addis Ababa|Khartoum|Riyadh|Dubai|Abu Dhabi|Doha|Singapore|Bangkok|Jakarta|Manila|Hanoi|Kuala Lumpur|Taipei|
    Pyongyang|Wuhan|Hong Kong|New York City|Los Angeles|San Francisco|Chicago|Houston|Dallas|Boston|Seattle|Miami|
    Atlanta|Philadelphia|Detroit|Phoenix|Denver|Las Vegas|Washington DC|Brooklyn|Manhattan|Silicon Valley|
    Westminster|Downing Street|Wall Street|Capitol Hill|Ukraine|Donbas|Mariupol|Kharkiv|Odesa|Rafah|Kent|Essex|
    Yorkshire|Cornwall|Devon|Sussex|Surrey|Lancashire|Cumbria|Norfolk|Suffolk"""
)

# A country's adjective names the country as a topic ("Italian workers": Italy); the common ones only.
DEMONYMS = {
    "american": "United States", "british": "United Kingdom", "english": "England", "scottish": "Scotland",
    "welsh": "Wales", "irish": "Ireland", "french": "France", "german": "Germany", "italian": "Italy",
    "spanish": "Spain", "portuguese": "Portugal", "dutch": "Netherlands", "belgian": "Belgium", "swiss": "Switzerland",
    "austrian": "Austria", "swedish": "Sweden", "norwegian": "Norway", "danish": "Denmark", "finnish": "Finland",
    "polish": "Poland", "russian": "Russia", "ukrainian": "Ukraine", "greek": "Greece", "turkish": "Turkey",
    "israeli": "Israel", "palestinian": "Palestine", "iranian": "Iran", "iraqi": "Iraq", "syrian": "Syria",
    "saudi": "Saudi Arabia", "egyptian": "Egypt", "indian": "India", "pakistani": "Pakistan", "afghan": "Afghanistan",
    "chinese": "China", "japanese": "Japan", "korean": "South Korea", "north korean": "North Korea",
    "south korean": "South Korea", "taiwanese": "Taiwan", "vietnamese": "Vietnam", "australian": "Australia",
    "canadian": "Canada", "mexican": "Mexico", "brazilian": "Brazil", "argentine": "Argentina",
    "venezuelan": "Venezuela", "cuban": "Cuba", "nigerian": "Nigeria", "kenyan": "Kenya", "south african": "South Africa",
    "hungarian": "Hungary", "czech": "Czech Republic", "romanian": "Romania", "serbian": "Serbia",
}  # fmt: skip

# Names the news writes several ways, by their folded form (dots dropped): one topic, one page.
ALIASES = {
    "us": "United States", "usa": "United States", "america": "United States", "united states of america": "United States",
    "uk": "United Kingdom", "britain": "United Kingdom", "great britain": "United Kingdom",
    "eu": "European Union", "un": "United Nations", "nato": "Nato", "who": "World Health Organization",
    "nhs": "NHS", "gop": "Republican Party", "republicans": "Republican Party", "democrats": "Democratic Party",
    "tories": "Conservative Party", "labour": "Labour Party", "dc": "Washington DC", "washington dc": "Washington DC",
    "nyc": "New York City", "la": "Los Angeles", "kiev": "Kyiv", "covid": "Covid-19", "covid-19": "Covid-19",
    "coronavirus": "Covid-19", "czechia": "Czech Republic", "holland": "Netherlands", "uae": "United Arab Emirates",
    "burma": "Myanmar", "us supreme court": "Supreme Court", "fed": "Federal Reserve",
}  # fmt: skip

# Organisations whose names these aliases land on (they are not shaped like organisations).
ALIASED_ORGANISATIONS = _names("European Union|United Nations|Nato|World Health Organization|NHS|Federal Reserve")

# The last word of most organisations' names ("Bank of England" ends with a place: ORGANISATION_HEADS).
ORGANISATION_TAILS = _names(
    """Inc|Corp|Corporation|Co|Company|Ltd|Limited|Plc|LLC|Group|Holdings|Bank|Party|Ministry|Department|Council|
    University|College|School|Court|Agency|Commission|Committee|Association|Union|Federation|League|Club|FC|United|City|
    Foundation|Institute|Organisation|Organization|Board|Authority|Service|Services|Office|Government|Administration|
    Airlines|Airways|Motors|Times|Post|News|Press|Journal|Telegraph|Guardian|Mail|Herald|Tribune|Police|Army|Navy|
    Force|Forces|Parliament|Congress|Senate|Assembly|Cabinet|Church|Hospital|Trust|Fund|Reserve|Exchange|Network|
    Media|Studios|Records|Labs|Technologies|Systems|Pharmaceuticals|Energy|Airport|Council|Brigade|Guard|Taliban|
    Hamas|Hezbollah|Microsoft|Google|Apple|Amazon|Meta|Facebook|Twitter|Tesla|Netflix|Reuters|Bloomberg|Kremlin|
    Pentagon|Commons|Lords|Fifa|Uefa|Olympics|House|Hall"""
)
ORGANISATION_HEADS = _names(
    "University|Bank|Department|Ministry|Church|House|Court|Board|Office|Museum|Royal|National|Federal|Supreme"
)

# The first word of many places' names ("Fort Worth", "San Diego", "Lake Placid").
PLACE_HEADS = _names("Fort|Port|Lake|Mount|Mt|Cape|Saint|St|San|Santa|Los|Las|Isle|Gulf|River|Bay|County")

# The last word of names of events, laws and things rather than people ("Clean Energy Program", "World Cup").
SUBJECT_TAILS = _names(
    """Program|Programme|Act|Bill|Plan|Law|Deal|Agreement|Treaty|Summit|Cup|Games|Championship|Championships|Open|
    Festival|Awards|Award|Prize|Final|Finals|War|Crisis|Pandemic|Day|Week|Season|Series|League|Project|Scheme|Strategy|Index|Pass|
    Policy|Budget|Report|Review|Inquiry|Vaccine|Virus|Election|Elections|Referendum|Protest|Protests|Show|Tour"""
)

# Titles before a name say it is a person's; they are not part of the topic.
HONORIFICS = _names(
    """Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lord|Lady|President|Prime Minister|Chancellor|Senator|Sen|Rep|Gov|
    Governor|Mayor|Judge|Justice|Minister|Secretary|General|Gen|Col|Captain|Capt|Pope|Prince|Princess|King|Queen|
    Vice President|Chief|Coach|Officer|Detective|Sgt|Rev|Reverend|Bishop|Archbishop|Ambassador|Speaker|Leader"""
)

# Capitalised words and names that are never a topic: calendar words, sentence furniture, the credits of pictures.
JUNK = _names(
    """I|A|An|The|This|That|These|Those|It|Its|He|She|They|We|You|His|Her|Their|Our|In|On|At|As|But|And|Or|If|When|
    After|Before|While|Yes|No|Not|So|Also|Now|Then|Here|There|What|Why|How|Who|Where|Which|Monday|Tuesday|Wednesday|
    Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|
    December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Getty Images|Getty|AFP|AP|PA|PA Media|EPA|Reuters|
    Image|Images|Photo|Photograph|Picture|Copyright|Credit|Caption|Video|Watch|Read|Click|Sign|Subscribe|Share|
    Advertisement|Related|Live|Updated|Breaking|Exclusive|Opinion|Analysis|Comment|Editorial|Follow|Email|Mr|Mrs|Ms|Dr|Sir|CEO|PM|TV|AM|GMT|BST|EST|ET|PT|UTC|OK|Rs|COVID|News|Story|Home|
    World|Top Stories|Latest|General|Uncategorized|Uncategorised|Other|Misc|Top|Featured|Headlines|Politics|
    Christmas|Easter|God|Lord|Covid Live|Last|First|Next|New|More|Most|Some|Many|All|Every|Each|One|Two|Three"""
)

# Words that open a sentence before a name ("Since Diwali", "From The New York Times"): never a name's first word.
OPENERS = _names(
    """since|from|despite|after|before|during|with|without|for|by|to|amid|although|though|because|while|until|under|
    over|about|according|meanwhile|however|yet|still|even|only|just|already|last|like|unlike|as|at|in|on|of|into|
    onto|upon|within|across|against|among|between|through|throughout|toward|towards|via|per|if|unless|whether|when|
    whenever|where|wherever|why|how|what|which|who|whom|whose|that|this|these|those|the|a|an|and|but|or|nor|so|then|
    there|here|it|its|he|she|they|we|you|i|his|her|their|our|my|your|yes|no|not|now|also|both|either|neither|each|
    every|all|any|some|many|much|more|most|other|another|such|sadly|meanwhile|instead|indeed|overall|today|yesterday|
    tomorrow|tonight|earlier|later|once|twice|dear|hello|hi|thanks|please|says|said|say|will|would|can|could|should|
    may|might|must|do|does|did|is|are|was|were|be|been|has|have|had|former|ex"""
)

# Category labels that say where on a site an article sits rather than what it is about.
GENERIC_CATEGORIES = _names(
    "news|world|top stories|latest|home|general|uncategorized|uncategorised|other|misc|featured|headlines|front page|"
    "main|article|articles|stories|story|blog|video|videos|live|breaking news|rss|feed"
)

SUBJECT_HINT = re.compile(r"\d")  # "Covid-19", "G7": a name with a figure is a subject, not a person
WEB_ADDRESS = re.compile(r"\.(?:com|org|net|co|uk|ca|io|info|gov)\b|^www\.|https?:", re.IGNORECASE)  # a site, no topic
